// What an order costs: the net price of the product and the VAT rate from sigcard.toml
// [prices]. Holders see the gross price with the VAT in it, as German price rules want; the
// order document binds exactly that text into what the holder signs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sigcard::orders {

struct Price {
    std::int64_t net_cents = 0;
    int vat_percent = 19;

    // Rounded half up to the cent.
    std::int64_t vat_cents() const { return (net_cents * vat_percent + 50) / 100; }
    std::int64_t gross_cents() const { return net_cents + vat_cents(); }
};

// "94,01 EUR" (German) or "EUR 94.01" (English).
std::string format_amount(std::int64_t cents, bool english);
// "94,01 EUR inkl. 19 % USt (netto 79,00 EUR, USt 15,01 EUR)" or
// "EUR 94.01 including 19 % VAT (net EUR 79.00, VAT EUR 15.01)".
std::string price_text(const Price& price, bool english);

// The price back from the text price_text wrote, German or English (the order document binds
// that text: an invoice charges what was signed). nullopt when the text is not such a price.
std::optional<Price> price_from_text(std::string_view german_text);

}  // namespace sigcard::orders
