#include "orders/order_fields.hpp"

#include <utility>
#include <vector>

namespace sigcard::orders {

namespace {

using S = FieldSection;

struct AddressSpec {
    std::string_view name, label_de, label_en;
    bool required;
    std::string_view input, autocomplete;
    std::string PostalAddress::*member;
};

// The address fields, the same for the shipping and the billing address.
constexpr AddressSpec kAddress[] = {
    {"name", "Name", "Name", true, "text", "name", &PostalAddress::name},
    {"company", "Firma", "Company", false, "text", "organization", &PostalAddress::company},
    {"street", "Straße und Hausnummer", "Street and house number", true, "text", "address-line1",
     &PostalAddress::street},
    {"address_extra", "Adresszusatz", "Additional address line", false, "text", "address-line2",
     &PostalAddress::address_extra},
    {"postal_code", "Postleitzahl", "Postcode", true, "text", "postal-code",
     &PostalAddress::postal_code},
    {"city", "Ort", "Town or city", true, "text", "address-level2", &PostalAddress::city},
    {"country", "Land", "Country", true, "country", "country", &PostalAddress::country},
};

std::vector<OrderField> build_fields() {
    std::vector<OrderField> fields{
        {"contact.email", S::contact, "E-Mail-Adresse", "Email address", true, "email", "email",
         &Contact::email, nullptr},
        {"contact.phone", S::contact, "Telefonnummer", "Phone number", true, "tel", "tel",
         &Contact::phone, nullptr},
    };
    for (const auto& [section, prefix] :
         {std::pair{S::shipping, "shipping."}, std::pair{S::billing, "billing."}}) {
        for (const auto& a : kAddress) {
            fields.push_back({prefix + std::string(a.name), section, a.label_de, a.label_en,
                              a.required, a.input, a.autocomplete, nullptr, a.member});
        }
    }
    // Neither contact nor address member: the billing address's own field.
    fields.push_back({"billing.vat_id", S::billing, "USt-IdNr.", "VAT ID", false, "text", "off",
                      nullptr, nullptr});
    for (auto& f : fields) {
        if (f.name == "contact.email") {
            f.help_de = "Hierhin schicken wir die Auftragsbestätigung und Nachrichten zum Auftrag.";
            f.help_en = "We send the order confirmation and news about the order here.";
        } else if (f.name == "contact.phone") {
            f.help_de = "Für Rückfragen zum Auftrag, z. B. 030 1234567 oder +49 30 1234567.";
            f.help_en = "For questions about the order, e.g. +49 30 1234567.";
        } else if (f.name.ends_with(".address_extra")) {
            f.help_de = "Zum Beispiel c/o, Etage oder Abteilung.";
            f.help_en = "For example c/o, floor or department.";
        } else if (f.name == "billing.vat_id") {
            f.help_de = "Nur für Unternehmen, z. B. DE123456789.";
            f.help_en = "Companies only, e.g. DE123456789.";
        }
    }
    return fields;
}

const std::vector<OrderField>& fields() {
    static const std::vector<OrderField> all = build_fields();
    return all;
}

}  // namespace

std::string& OrderField::value(OrderData& data) const {
    if (contact_member != nullptr) {
        return data.contact.*contact_member;
    }
    if (address_member != nullptr) {
        return section == S::shipping ? data.shipping.*address_member
                                      : data.billing.*address_member;
    }
    return data.billing.vat_id;
}

std::span<const OrderField> order_fields() {
    return fields();
}

const OrderField* order_field(std::string_view name) {
    for (const auto& field : fields()) {
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
