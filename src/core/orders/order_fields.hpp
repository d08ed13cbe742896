// The one description of the fields a holder enters for an order: the name field errors use,
// the section, the German and English label and help, whether it is required, and the input's
// kind. The pages, the terminal client, the confirmation PDF and the API's field errors read it,
// so every surface says the same. Validation (order_data.hpp) reports errors by these names.
#pragma once

#include "orders/order_data.hpp"

#include <span>
#include <string>
#include <string_view>

namespace sigcard::orders {

enum class FieldSection { contact, shipping, billing };

struct OrderField {
    std::string name;  // as FieldError names it, e.g. "shipping.postal_code"
    FieldSection section;
    std::string_view label_de;
    std::string_view label_en;
    bool required;
    std::string_view input;         // text | email | tel | country
    std::string_view autocomplete;  // the browser's autofill hint
    // Where the value lives: a contact field, an address field of the section's address, or
    // the billing address's VAT id.
    std::string Contact::*contact_member = nullptr;
    std::string PostalAddress::*address_member = nullptr;
    // What the holder should know while filling it in; empty where the label says it all.
    std::string_view help_de = {};
    std::string_view help_en = {};

    std::string& value(OrderData& data) const;
};

// Every field, in the order forms ask for them.
std::span<const OrderField> order_fields();
// The field with this name; nullptr for names that are not entered (declarations).
const OrderField* order_field(std::string_view name);

// "Versandadresse" / "Shipping address" …
std::string_view section_label(FieldSection section, bool english);
// The field's label with its section where the label alone is ambiguous:
// "Versandadresse – Postleitzahl", "E-Mail-Adresse".
std::string field_title(const OrderField& field, bool english);

}  // namespace sigcard::orders
