#include "portal/pages/order_form.hpp"

#include <algorithm>
#include <array>

namespace sigcard::portal::pages {

namespace {

struct FieldSpec {
    std::string_view name;
    std::string_view label_de;
    std::string_view label_en;
    std::string_view type;  // input type, or "country" for the country choice
    std::string_view autocomplete;
    bool required;
};

constexpr std::array contact_fields{
    FieldSpec{"contact.email", "E-Mail-Adresse", "Email address", "email", "email", true},
    FieldSpec{"contact.phone", "Telefonnummer", "Phone number", "tel", "tel", true},
};

// The address fields; the section ("shipping" or "billing") is put in front.
constexpr std::array address_fields{
    FieldSpec{"name", "Name", "Name", "text", "name", true},
    FieldSpec{"company", "Firma", "Company", "text", "organization", false},
    FieldSpec{"street", "Straße und Hausnummer", "Street and house number", "text", "address-line1",
              true},
    FieldSpec{"address_extra", "Adresszusatz", "Additional address line", "text", "address-line2",
              false},
    FieldSpec{"postal_code", "Postleitzahl", "Postcode", "text", "postal-code", true},
    FieldSpec{"city", "Ort", "Town or city", "text", "address-level2", true},
    FieldSpec{"country", "Land", "Country", "country", "country", true},
};

constexpr FieldSpec vat_id_field{"vat_id", "USt-IdNr.", "VAT ID", "text", "off", false};

struct CountryName {
    std::string_view code;
    std::string_view de;
    std::string_view en;
};

constexpr std::array country_names{
    CountryName{"DE", "Deutschland", "Germany"},
    CountryName{"AT", "Österreich", "Austria"},
    CountryName{"CH", "Schweiz", "Switzerland"},
    CountryName{"LI", "Liechtenstein", "Liechtenstein"},
    CountryName{"LU", "Luxemburg", "Luxembourg"},
    CountryName{"BE", "Belgien", "Belgium"},
    CountryName{"NL", "Niederlande", "Netherlands"},
    CountryName{"FR", "Frankreich", "France"},
    CountryName{"IT", "Italien", "Italy"},
    CountryName{"DK", "Dänemark", "Denmark"},
    CountryName{"PL", "Polen", "Poland"},
    CountryName{"CZ", "Tschechien", "Czechia"},
};

std::string country_label(const std::string& code, const PageRequest& page) {
    for (const auto& country : country_names) {
        if (country.code == code) {
            return std::string(page.text(country.de, country.en));
        }
    }
    return code;
}

std::string posted(const QueryParameters& form, std::string_view name) {
    return std::string(form.find(name).value_or(""));
}

void read_address(const QueryParameters& form, const std::string& section,
                  orders::PostalAddress& address) {
    address.name = posted(form, section + ".name");
    address.company = posted(form, section + ".company");
    address.street = posted(form, section + ".street");
    address.address_extra = posted(form, section + ".address_extra");
    address.postal_code = posted(form, section + ".postal_code");
    address.city = posted(form, section + ".city");
    address.country = posted(form, section + ".country");
}

const std::string* address_value(const orders::PostalAddress& address, std::string_view field) {
    if (field == "name")
        return &address.name;
    if (field == "company")
        return &address.company;
    if (field == "street")
        return &address.street;
    if (field == "address_extra")
        return &address.address_extra;
    if (field == "postal_code")
        return &address.postal_code;
    if (field == "city")
        return &address.city;
    if (field == "country")
        return &address.country;
    return nullptr;
}

const orders::FieldError* error_for(const std::vector<orders::FieldError>& errors,
                                    std::string_view name) {
    const auto it = std::find_if(errors.begin(), errors.end(),
                                 [&](const orders::FieldError& e) { return e.field == name; });
    return it == errors.end() ? nullptr : &*it;
}

PageValues field_values(const PageRequest& page, const FieldSpec& spec, const std::string& name,
                        const std::string& value, const std::vector<orders::FieldError>& errors) {
    PageValues field;
    field.set("name", name);
    field.set("id", field_id(name));
    field.set("label", std::string(page.text(spec.label_de, spec.label_en)));
    field.set("type", std::string(spec.type));
    field.set("autocomplete", std::string(spec.autocomplete));
    field.set("required", spec.required);
    field.set("value", value);
    if (spec.type == "country") {
        field.set("is_country", true);
        PageValues options{PageValues::type::list};
        for (const auto& code : orders::supported_countries()) {
            PageValues option;
            option.set("code", code);
            option.set("label", country_label(code, page));
            option.set("selected", code == value);
            options << option;
        }
        field.set("options", options);
    }
    if (const auto* error = error_for(errors, name)) {
        field.set("error", std::string(page.text(*error->code)));
        field.set("error_id", field_id(name) + "-error");
    }
    return field;
}

PageValues address_values(const PageRequest& page, const std::string& section,
                          const orders::PostalAddress& address,
                          const std::vector<orders::FieldError>& errors) {
    PageValues fields{PageValues::type::list};
    for (const auto& spec : address_fields) {
        fields << field_values(page, spec, section + "." + std::string(spec.name),
                               *address_value(address, spec.name), errors);
    }
    return fields;
}

}  // namespace

std::string field_id(std::string_view field_name) {
    std::string id(field_name);
    std::replace(id.begin(), id.end(), '.', '-');
    return id;
}

OrderForm read_order_form(const QueryParameters& form) {
    OrderForm read;
    read.data.contact.email = posted(form, "contact.email");
    read.data.contact.phone = posted(form, "contact.phone");
    read_address(form, "shipping", read.data.shipping);
    read_address(form, "billing", read.data.billing);
    read.data.billing.vat_id = posted(form, "billing.vat_id");
    read.data.terms_accepted = form.find("declaration.terms_accepted").has_value();
    read.billing_same = form.find("billing_same").has_value();
    return read;
}

orders::OrderData effective_order_data(const OrderForm& form, bool declared_unchanged) {
    auto data = form.data;
    if (form.billing_same) {
        static_cast<orders::PostalAddress&>(data.billing) = data.shipping;
    }
    data.name_and_attributes_unchanged = declared_unchanged;
    return data;
}

PageValues order_form_values(const PageRequest& page, const OrderForm& form,
                             const std::vector<orders::FieldError>& errors) {
    PageValues values;
    PageValues contact{PageValues::type::list};
    contact << field_values(page, contact_fields[0], "contact.email", form.data.contact.email,
                            errors);
    contact << field_values(page, contact_fields[1], "contact.phone", form.data.contact.phone,
                            errors);
    values.set("contact_fields", contact);
    values.set("shipping_fields", address_values(page, "shipping", form.data.shipping, errors));
    auto billing = address_values(page, "billing", form.data.billing, errors);
    billing << field_values(page, vat_id_field, "billing.vat_id", form.data.billing.vat_id, errors);
    values.set("billing_fields", billing);
    values.set("billing_same", form.billing_same);
    values.set("terms_accepted", form.data.terms_accepted);
    if (const auto* error = error_for(errors, "declaration.terms_accepted")) {
        values.set("terms_error", std::string(page.text(*error->code)));
    }
    if (const auto* error = error_for(errors, "declaration.name_and_attributes_unchanged")) {
        values.set("declaration_error", std::string(page.text(*error->code)));
    }
    values.set("has_errors", !errors.empty());
    // The summary links to each field with an error, as screen reader users expect.
    PageValues summary{PageValues::type::list};
    for (const auto& error : errors) {
        PageValues entry;
        entry.set("id", field_id(error.field));
        entry.set("text", std::string(page.text(*error.code)));
        summary << entry;
    }
    values.set("error_summary", summary);
    return values;
}

}  // namespace sigcard::portal::pages
