#include "orders/order_fields.hpp"

#include <array>

namespace sigcard::orders {

namespace {

using S = FieldSection;

const std::array<OrderField, 17> kFields{{
    {"contact.email", S::contact, "E-Mail-Adresse", "Email address", true, "email", "email",
     [](OrderData& d) -> std::string& { return d.contact.email; }},
    {"contact.phone", S::contact, "Telefonnummer", "Phone number", true, "tel", "tel",
     [](OrderData& d) -> std::string& { return d.contact.phone; }},
    {"shipping.name", S::shipping, "Name", "Name", true, "text", "name",
     [](OrderData& d) -> std::string& { return d.shipping.name; }},
    {"shipping.company", S::shipping, "Firma", "Company", false, "text", "organization",
     [](OrderData& d) -> std::string& { return d.shipping.company; }},
    {"shipping.street", S::shipping, "Straße und Hausnummer", "Street and house number", true,
     "text", "address-line1", [](OrderData& d) -> std::string& { return d.shipping.street; }},
    {"shipping.address_extra", S::shipping, "Adresszusatz", "Additional address line", false,
     "text", "address-line2",
     [](OrderData& d) -> std::string& { return d.shipping.address_extra; }},
    {"shipping.postal_code", S::shipping, "Postleitzahl", "Postcode", true, "text",
     "postal-code", [](OrderData& d) -> std::string& { return d.shipping.postal_code; }},
    {"shipping.city", S::shipping, "Ort", "Town or city", true, "text", "address-level2",
     [](OrderData& d) -> std::string& { return d.shipping.city; }},
    {"shipping.country", S::shipping, "Land", "Country", true, "country", "country",
     [](OrderData& d) -> std::string& { return d.shipping.country; }},
    {"billing.name", S::billing, "Name", "Name", true, "text", "name",
     [](OrderData& d) -> std::string& { return d.billing.name; }},
    {"billing.company", S::billing, "Firma", "Company", false, "text", "organization",
     [](OrderData& d) -> std::string& { return d.billing.company; }},
    {"billing.street", S::billing, "Straße und Hausnummer", "Street and house number", true,
     "text", "address-line1", [](OrderData& d) -> std::string& { return d.billing.street; }},
    {"billing.address_extra", S::billing, "Adresszusatz", "Additional address line", false,
     "text", "address-line2", [](OrderData& d) -> std::string& { return d.billing.address_extra; }},
    {"billing.postal_code", S::billing, "Postleitzahl", "Postcode", true, "text", "postal-code",
     [](OrderData& d) -> std::string& { return d.billing.postal_code; }},
    {"billing.city", S::billing, "Ort", "Town or city", true, "text", "address-level2",
     [](OrderData& d) -> std::string& { return d.billing.city; }},
    {"billing.country", S::billing, "Land", "Country", true, "country", "country",
     [](OrderData& d) -> std::string& { return d.billing.country; }},
    {"billing.vat_id", S::billing, "USt-IdNr.", "VAT ID", false, "text", "off",
     [](OrderData& d) -> std::string& { return d.billing.vat_id; }},
}};

}  // namespace

std::span<const OrderField> order_fields() {
    return kFields;
}

const OrderField* order_field(std::string_view name) {
    for (const auto& field : kFields) {
        if (field.name == name) {
            return &field;
        }
    }
    return nullptr;
}

std::string_view section_label(FieldSection section, bool english) {
    switch (section) {
        case FieldSection::contact:
            return english ? "Contact" : "Kontakt";
        case FieldSection::shipping:
            return english ? "Shipping address" : "Versandadresse";
        case FieldSection::billing:
            return english ? "Billing address" : "Rechnungsadresse";
    }
    return {};
}

std::string field_title(const OrderField& field, bool english) {
    const auto label = english ? field.label_en : field.label_de;
    if (field.section == FieldSection::contact) {
        return std::string(label);
    }
    return std::string(section_label(field.section, english)) + " – " + std::string(label);
}

}  // namespace sigcard::orders
