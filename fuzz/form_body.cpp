// A page's form as the holder's browser posts it (application/x-www-form-urlencoded): decoded,
// read into the order form and the revocation password, checked as the follow-up wizard checks
// them before it renders the order document.
#include "fuzz_support.hpp"

#include "http/request.hpp"
#include "orders/order_data.hpp"
#include "orders/revocation_password.hpp"
#include "portal/pages/order_form.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::refused_or_done([&] {
        const auto form = http::QueryParameters::parse(fuzz::text(data, size));
        const auto order_form = portal::pages::read_order_form(form);
        for (const bool unchanged : {true, false}) {
            orders::validate(orders::normalise(portal::pages::effective_order_data(order_form, unchanged)));
        }
        const auto password = portal::pages::read_revocation_password(form);
        orders::validate_revocation_password(password.password, password.repeated);
    });
    return 0;
}
