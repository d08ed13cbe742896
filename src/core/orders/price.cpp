#include "orders/price.hpp"

#include <fmt/format.h>

namespace sigcard::orders {

std::string format_amount(std::int64_t cents, bool english) {
    const auto whole = cents / 100;
    const auto rest = cents % 100;
    return english ? fmt::format("EUR {}.{:02}", whole, rest)
                   : fmt::format("{},{:02} EUR", whole, rest);
}

std::string price_text(const Price& price, bool english) {
    if (english) {
        return fmt::format("{} including {} % VAT (net {}, VAT {})",
                           format_amount(price.gross_cents(), true), price.vat_percent,
                           format_amount(price.net_cents, true),
                           format_amount(price.vat_cents(), true));
    }
    return fmt::format("{} inkl. {} % USt (netto {}, USt {})",
                       format_amount(price.gross_cents(), false), price.vat_percent,
                       format_amount(price.net_cents, false),
                       format_amount(price.vat_cents(), false));
}

}  // namespace sigcard::orders
