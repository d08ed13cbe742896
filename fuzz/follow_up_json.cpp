// The JSON bodies of the follow-up API (eligibility, draft, submission), read field by field as
// portal/follow_up_api.cpp reads them, up to where the card's certificate or signature is handed
// to the PKI (fuzzed on their own: card_certificate, cades_signature).
#include "fuzz_support.hpp"

#include "orders/order_data.hpp"
#include "orders/revocation_password.hpp"
#include "portal/follow_up_json.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::refused_or_done([&] {
        const auto body = portal::api_json::parse_object(fuzz::text(data, size));
        fuzz::refused_or_done([&] { portal::api_json::required_base64(body, "certificate", 16384); });
        fuzz::refused_or_done([&] {
            const auto order = body.find("order");
            if (order != body.end() && order->is_object()) {
                orders::validate(orders::normalise(orders::order_data_from_json(*order)));
            }
        });
        if (const auto password = body.find("revocation_password");
            password != body.end() && password->is_string()) {
            const Secret entered(password->get_ref<const std::string&>());
            orders::validate_revocation_password(entered, entered);
        }
        fuzz::refused_or_done([&] { portal::api_json::required_string(body, "nonce"); });
        fuzz::refused_or_done(
            [&] { portal::api_json::required_base64(body, "document_base64", 65536); });
        fuzz::refused_or_done(
            [&] { portal::api_json::required_base64(body, "signature_base64", 65536); });
    });
    return 0;
}
