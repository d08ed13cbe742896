// The new order API's body (POST /api/v1/new-orders) as portal/new_order_api.cpp reads it: the
// proofs' files taken out, the application read and then checked by every rule the portal
// applies before it stores anything (fields, proofs by content, the revocation password).
#include "fuzz_support.hpp"

#include "new_order/new_orders.hpp"
#include "portal/follow_up_json.hpp"
#include "portal/new_order_json.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const config::TrustCenterConfig config = [] {
        config::TrustCenterConfig c;
        c.registration_offices.push_back(
            {"berlin", "Registrierungsstelle Berlin", "Friedrichstraße 1, 10117 Berlin", "Mo–Fr 9–17"});
        return c;
    }();
    fuzz::refused_or_done([&] {
        auto body = portal::api_json::parse_object(fuzz::text(data, size));
        new_order::SubmittedApplication submitted;
        submitted.uploads = portal::take_uploads(body);
        submitted.application = new_order::application_from_json(body);
        submitted.revocation_password = portal::secret_field(body, "revocation_password");
        submitted.revocation_password_repeat = submitted.revocation_password;
        new_order::check_application(submitted, config, 1'796'000'000);
    });
    return 0;
}
