// A multipart/form-data body as the new order page posts it (with the proofs' files): its first
// line is the Content-Type header's value, the rest the body. Split into fields, the proofs
// taken apart from the text, the application read and checked as the page does.
#include "fuzz_support.hpp"

#include "new_order/new_orders.hpp"
#include "portal/pages/multipart_form.hpp"
#include "portal/pages/new_order_form.hpp"
#include "portal/pages/order_form.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const config::TrustCenterConfig config;
    const auto input = fuzz::text(data, size);
    const auto end_of_line = input.find('\n');
    if (end_of_line == std::string::npos) {
        return 0;
    }
    const auto content_type = std::string_view(input).substr(0, end_of_line);
    const auto body = std::string_view(input).substr(end_of_line + 1);
    const auto fields = portal::pages::parse_multipart_form(content_type, body);
    if (!fields) {
        return 0;
    }
    fuzz::refused_or_done([&] {
        auto post = portal::pages::split_new_order_post(*fields);
        bool billing_same = true;
        new_order::SubmittedApplication submitted;
        submitted.application = portal::pages::read_new_order_form(post.form, billing_same);
        submitted.uploads = std::move(post.uploads);
        const auto password = portal::pages::read_revocation_password(post.form);
        submitted.revocation_password = password.password;
        submitted.revocation_password_repeat = password.repeated;
        new_order::check_application(submitted, config, 1'796'000'000);
    });
    return 0;
}
