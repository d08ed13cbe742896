#include "portal/pages/order_form.hpp"

#include "orders/order_fields.hpp"

#include <algorithm>
#include <tuple>
#include <array>

namespace sigcard::portal::pages {

namespace {

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

std::string posted(const http::QueryParameters& form, std::string_view name) {
    return std::string(form.find(name).value_or(""));
}

const orders::FieldError* error_for(const std::vector<orders::FieldError>& errors,
                                    std::string_view name) {
    const auto it = std::find_if(errors.begin(), errors.end(),
                                 [&](const orders::FieldError& e) { return e.field == name; });
    return it == errors.end() ? nullptr : &*it;
}

PageValues field_values(const PageRequest& page, const orders::OrderField& spec,
                        const std::string& value, const std::vector<orders::FieldError>& errors) {
    const std::string name(spec.name);
    PageValues field;
    field.set("name", name);
    field.set("id", field_id(name));
    field.set("label", std::string(page.text(spec.label_de, spec.label_en)));
    field.set("type", std::string(spec.input));
    field.set("autocomplete", std::string(spec.autocomplete));
    field.set("required", spec.required);
    field.set("value", value);
    if (spec.input == "country") {
        field.set("is_select", true);
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
    std::string described_by;
    if (!spec.help_de.empty()) {
        field.set("help", std::string(page.text(spec.help_de, spec.help_en)));
        field.set("help_id", field_id(name) + "-help");
        described_by = field_id(name) + "-help";
    }
    if (const auto* error = error_for(errors, name)) {
        field.set("error", std::string(page.text(*error->code)));
        field.set("error_id", field_id(name) + "-error");
        described_by += (described_by.empty() ? "" : " ") + field_id(name) + "-error";
    }
    if (!described_by.empty()) {
        field.set("described_by", described_by);
    }
    return field;
}

// The two password fields, never filled in again.
PageValues revocation_values(const PageRequest& page,
                             const std::vector<orders::FieldError>& errors) {
    PageValues fields{PageValues::type::list};
    for (const auto& [name, de, en] :
         {std::tuple{"revocation.password", "Sperrkennwort", "Revocation password"},
          std::tuple{"revocation.password_repeat", "Sperrkennwort wiederholen",
                     "Repeat the revocation password"}}) {
        PageValues field;
        field.set("name", std::string(name));
        field.set("id", field_id(name));
        field.set("label", std::string(page.text(de, en)));
        field.set("type", std::string("password"));
        field.set("autocomplete", std::string("new-password"));
        field.set("required", true);
        field.set("value", std::string());
        if (const auto* error = error_for(errors, name)) {
            field.set("error", std::string(page.text(*error->code)));
            field.set("error_id", field_id(name) + "-error");
            field.set("described_by", field_id(name) + "-error");
        }
        fields << field;
    }
    return fields;
}

PageValues section_values(const PageRequest& page, orders::FieldSection section,
                          const orders::OrderData& data,
                          const std::vector<orders::FieldError>& errors) {
    auto entered = data;  // the field's accessor reads through a mutable reference
    PageValues fields{PageValues::type::list};
    for (const auto& spec : orders::order_fields()) {
        if (spec.section == section) {
            fields << field_values(page, spec, spec.value(entered), errors);
        }
    }
    return fields;
}

}  // namespace

RevocationPasswordEntry read_revocation_password(const http::QueryParameters& form) {
    return {Secret(form.find("revocation.password").value_or("")),
            Secret(form.find("revocation.password_repeat").value_or(""))};
}

std::string field_id(std::string_view field_name) {
    std::string id(field_name);
    std::replace(id.begin(), id.end(), '.', '-');
    return id;
}

OrderForm read_order_form(const http::QueryParameters& form) {
    OrderForm read;
    for (const auto& field : orders::order_fields()) {
        field.value(read.data) = posted(form, field.name);
    }
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
    using orders::FieldSection;
    values.set("contact_fields", section_values(page, FieldSection::contact, form.data, errors));
    values.set("shipping_fields", section_values(page, FieldSection::shipping, form.data, errors));
    values.set("billing_fields", section_values(page, FieldSection::billing, form.data, errors));
    values.set("revocation_fields", revocation_values(page, errors));
    values.set("billing_same", form.billing_same);
    values.set("terms_accepted", form.data.terms_accepted);
    if (const auto* error = error_for(errors, "declaration.terms_accepted")) {
        values.set("terms_error", std::string(page.text(*error->code)));
    }
    if (const auto* error = error_for(errors, "declaration.name_and_attributes_unchanged")) {
        values.set("declaration_error", std::string(page.text(*error->code)));
    }
    values.set("has_errors", !errors.empty());
    // The summary names and links each field with an error, as screen reader users expect.
    PageValues summary{PageValues::type::list};
    for (const auto& error : errors) {
        PageValues entry;
        entry.set("id", field_id(error.field));
        const auto* field = orders::order_field(error.field);
        const std::string text(page.text(*error.code));
        std::string title = field != nullptr ? orders::field_title(*field, page.english()) : "";
        if (error.field.starts_with("revocation.")) {
            title = std::string(page.text("Sperrkennwort", "Revocation password"));
        }
        entry.set("text", title.empty() ? text : title + ": " + text);
        summary << entry;
    }
    values.set("error_summary", summary);
    return values;
}

}  // namespace sigcard::portal::pages
