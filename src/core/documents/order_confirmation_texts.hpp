// The words of the order confirmation in German and English: labels, the steps that follow an
// order, and dates and countries as a holder reads them.
#pragma once

#include "documents/order_confirmation.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace sigcard::documents {

struct ConfirmationTexts {
    std::string_view title, kind_value, tagline, order_number, received, intro, order_section,
        trust_center, kind, holder_section, name, old_serial, contact_section,
        shipping_section, billing_section, address, terms_section, terms_version,
        terms_hash, price, signed_section, document_hash, declaration, declaration_text, next_section,
        closing, footer_hash, footer_signed, page, daylight, standard;
    std::array<std::pair<std::string_view, std::string_view>, 6> steps;
};

const ConfirmationTexts& texts_for(Language language);

// Berlin time with its zone (MEZ/MESZ, CET/CEST) and UTC beside it, e.g.
// "18.11.2026, 12:06 Uhr MEZ (11:06 Uhr UTC)"; plain UTC where no time zone data is installed.
std::string received_at(std::int64_t unix_seconds, Language language);

// The country's name for an ISO 3166-1 alpha-2 code the trust center ships to; else the code.
std::string country_name(const std::string& code, Language language);

}  // namespace sigcard::documents
