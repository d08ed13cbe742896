#include "orders/price.hpp"

#include <fmt/format.h>

#include <cstdio>

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

std::optional<Price> price_from_text(std::string_view text) {
    // "94,01 EUR inkl. 19 % USt (netto 79,00 EUR, USt 15,01 EUR)" or
    // "EUR 94.01 including 19 % VAT (net EUR 79.00, VAT EUR 15.01)"
    for (const bool english : {false, true}) {
        const auto rate_at = text.find(english ? " including " : " inkl. ");
        const auto net_at = text.find(english ? "(net EUR " : "(netto ");
        if (rate_at == std::string_view::npos || net_at == std::string_view::npos) {
            continue;
        }
        const std::string rate(text.substr(rate_at + (english ? 11 : 7)));
        const std::string amount(text.substr(net_at + (english ? 9 : 7)));
        int euros = 0;
        int cents = 0;
        int vat = 0;
        if (std::sscanf(rate.c_str(), "%d %%", &vat) != 1 ||
            std::sscanf(amount.c_str(), english ? "%d.%2d" : "%d,%2d", &euros, &cents) != 2 ||
            vat < 0 || euros < 0) {
            continue;
        }
        const Price price{std::int64_t(euros) * 100 + cents, vat};
        // Read back exactly what was written, or not at all.
        if (price_text(price, english) == text) {
            return price;
        }
    }
    return std::nullopt;
}

}  // namespace sigcard::orders
