#include "portal/pages/new_order_form.hpp"

#include "encoding/encoding.hpp"
#include "new_order/application_fields.hpp"
#include "orders/order_fields.hpp"
#include "pki/qualified_profile.hpp"
#include "portal/pages/order_form.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <set>

namespace sigcard::portal::pages {

namespace {

using new_order::Application;

// How each of the new order's own fields is entered; labels come from new_order/
// application_fields.hpp, so page, API and documents say the same.
struct Input {
    std::string_view name;
    std::string_view type;  // text | date | select | number
    std::string_view autocomplete;
    bool required;
};

constexpr std::array kPersonInputs{
    Input{"person.given_names", "text", "given-name", true},
    Input{"person.surname", "text", "family-name", true},
    Input{"person.birth_name", "text", "off", false},
    Input{"person.birth_date", "date", "bday", true},
    Input{"person.birth_place", "text", "off", true},
    Input{"person.nationality", "select", "off", true},
    Input{"person.address.street", "text", "street-address", true},
    Input{"person.address.postal_code", "text", "postal-code", true},
    Input{"person.address.city", "text", "address-level2", true},
    Input{"person.address.country", "select", "country", true},
};
constexpr std::array kIdInputs{
    Input{"id_document.type", "select", "off", true},
    Input{"id_document.number", "text", "off", true},
    Input{"id_document.authority", "text", "off", true},
    Input{"id_document.issued_on", "date", "off", true},
    Input{"id_document.expires_on", "date", "off", true},
};

std::string posted(const http::QueryParameters& form, std::string_view name) {
    return std::string(form.find(name).value_or(""));
}

// The text value of a field in the application (for the form's values).
std::string value_of(const Application& a, std::string_view name) {
    const auto& p = a.person;
    const auto& d = a.id_document;
    const std::pair<std::string_view, const std::string*> values[] = {
        {"person.given_names", &p.given_names},  {"person.surname", &p.surname},
        {"person.birth_name", &p.birth_name},    {"person.birth_date", &p.birth_date},
        {"person.birth_place", &p.birth_place},  {"person.nationality", &p.nationality},
        {"person.address.street", &p.address.street},
        {"person.address.postal_code", &p.address.postal_code},
        {"person.address.city", &p.address.city}, {"person.address.country", &p.address.country},
        {"id_document.type", &d.type},           {"id_document.number", &d.number},
        {"id_document.authority", &d.authority}, {"id_document.issued_on", &d.issued_on},
        {"id_document.expires_on", &d.expires_on},
    };
    for (const auto& [field, value] : values) {
        if (field == name) {
            return *value;
        }
    }
    return {};
}

const orders::FieldError* error_for(const std::vector<orders::FieldError>& errors,
                                    std::string_view name) {
    const auto it = std::find_if(errors.begin(), errors.end(),
                                 [&](const orders::FieldError& e) { return e.field == name; });
    return it == errors.end() ? nullptr : &*it;
}

std::string label_of(const PageRequest& page, std::string_view name) {
    const auto* field = new_order::application_field(name);
    return field ? std::string(page.text(field->label_de, field->label_en)) : std::string(name);
}

struct Option {
    std::string code;
    std::string label;
};

std::vector<Option> options_for(const PageRequest& page, std::string_view name,
                                const config::TrustCenterConfig& config) {
    if (name == "id_document.type") {
        return {{"", std::string(page.text("Bitte wählen", "Please choose"))},
                {"id_card", std::string(page.text("Personalausweis", "German identity card"))},
                {"passport", std::string(page.text("Reisepass", "Passport"))},
                {"residence_permit", std::string(page.text("Elektronischer Aufenthaltstitel",
                                                           "Electronic residence permit"))},
                {"eu_id_card", std::string(page.text("Identitätskarte eines EU-/EWR-Staates",
                                                     "EU/EEA identity card"))}};
    }
    if (name == "identification.office") {
        std::vector<Option> out;
        for (const auto& office : config.registration_offices) {
            out.push_back({office.id, office.name + " – " + office.address});
        }
        return out;
    }
    std::vector<Option> out;
    if (name == "person.address.country") {
        for (const auto& code : orders::supported_countries()) {
            out.push_back({code, code});
        }
        return out;
    }
    std::set<std::string> regions;
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    out.push_back({"DE", "DE"});
    for (const auto& code : regions) {
        if (code != "DE") {
            out.push_back({code, code});
        }
    }
    return out;
}

PageValues field_of(const PageRequest& page, const Input& input, const std::string& value,
                    const std::vector<orders::FieldError>& errors,
                    const config::TrustCenterConfig& config) {
    const std::string name(input.name);
    PageValues field;
    field.set("name", name);
    field.set("id", field_id(name));
    field.set("label", label_of(page, name));
    field.set("type", std::string(input.type));
    field.set("autocomplete", std::string(input.autocomplete));
    field.set("required", input.required);
    field.set("value", value);
    if (input.type == "select") {
        field.set("is_select", true);
        PageValues options{PageValues::type::list};
        for (const auto& o : options_for(page, name, config)) {
            PageValues option;
            option.set("code", o.code);
            option.set("label", o.label);
            option.set("selected", o.code == value);
            options << option;
        }
        field.set("options", options);
    }
    if (const auto* error = error_for(errors, name)) {
        field.set("error", std::string(page.text(*error->code)));
        field.set("error_id", field_id(name) + "-error");
        field.set("described_by", field_id(name) + "-error");
    }
    return field;
}

template <std::size_t N>
PageValues fields_of(const PageRequest& page, const std::array<Input, N>& inputs,
                     const Application& a, const std::vector<orders::FieldError>& errors,
                     const config::TrustCenterConfig& config) {
    PageValues list{PageValues::type::list};
    for (const auto& input : inputs) {
        list << field_of(page, input, value_of(a, input.name), errors, config);
    }
    return list;
}

// The error text of a field, if any, for the fields the template writes by hand.
void set_error(PageValues& values, const PageRequest& page,
               const std::vector<orders::FieldError>& errors, std::string_view name,
               const std::string& key) {
    if (const auto* error = error_for(errors, name)) {
        values.set(key, std::string(page.text(*error->code)));
    }
}

new_order::ProofChoice proof_from(const http::QueryParameters& form, const std::string& attribute) {
    return {form.find("certificate." + attribute + ".proof.confirmed_directly").has_value(), ""};
}

}  // namespace

NewOrderPost split_new_order_post(const std::map<std::string, std::string, std::less<>>& fields) {
    constexpr std::string_view prefix = "certificate.", suffix = ".proof.file";
    std::vector<http::QueryParameters::Parameter> text_fields;
    NewOrderPost post;
    for (const auto& [name, value] : fields) {
        if (name.starts_with(prefix) && name.ends_with(suffix) &&
            name.size() > prefix.size() + suffix.size()) {
            if (!value.empty()) {
                post.uploads.push_back(
                    {name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()), value});
            }
        } else {
            text_fields.emplace_back(name, value);
        }
    }
    post.form = http::QueryParameters::of(std::move(text_fields));
    return post;
}

Application read_new_order_form(const http::QueryParameters& form, bool& billing_same) {
    Application a;
    auto& p = a.person;
    p.given_names = posted(form, "person.given_names");
    p.surname = posted(form, "person.surname");
    p.birth_name = posted(form, "person.birth_name");
    p.birth_date = posted(form, "person.birth_date");
    p.birth_place = posted(form, "person.birth_place");
    p.nationality = posted(form, "person.nationality");
    p.address = {posted(form, "person.address.street"), posted(form, "person.address.postal_code"),
                 posted(form, "person.address.city"), posted(form, "person.address.country")};
    a.id_document = {posted(form, "id_document.type"), posted(form, "id_document.number"),
                     posted(form, "id_document.authority"), posted(form, "id_document.issued_on"),
                     posted(form, "id_document.expires_on")};
    auto& c = a.certificate;
    c.use_pseudonym = form.find("certificate.name") == "pseudonym";
    c.pseudonym = posted(form, "certificate.pseudonym");
    if (form.find("certificate.profession.requested")) {
        c.profession = new_order::Profession{posted(form, "certificate.profession.title"),
                                             posted(form, "certificate.profession.chamber"),
                                             proof_from(form, "profession")};
    }
    if (form.find("certificate.procuration.requested")) {
        c.procuration = new_order::Procuration{
            posted(form, "certificate.procuration.company"),
            posted(form, "certificate.procuration.register_court"),
            posted(form, "certificate.procuration.register_number"), proof_from(form, "procuration")};
    }
    if (form.find("certificate.monetary_limit.requested")) {
        const auto euros = posted(form, "certificate.monetary_limit.euros");
        std::int64_t amount = 0;
        if (!euros.empty() && euros.size() <= 12 &&
            euros.find_first_not_of("0123456789") == std::string::npos) {
            amount = std::stoll(euros);
        }
        c.monetary_limit = new_order::MonetaryLimit{amount, proof_from(form, "monetary_limit")};
    }
    if (form.find("certificate.restriction.requested")) {
        c.restriction = new_order::Restriction{posted(form, "certificate.restriction.text"),
                                               proof_from(form, "restriction")};
    }
    const auto order_form = read_order_form(form);
    billing_same = order_form.billing_same;
    a.order = effective_order_data(order_form, false);
    a.identification.method = posted(form, "identification.method");
    a.identification.office = posted(form, "identification.office");
    a.withdrawal_acknowledged = form.find("declaration.withdrawal_acknowledged").has_value();
    return a;
}

Application carried_over_application(const ossl::Bytes& certificate_der) {
    Application a;
    a.identification.method = "postident";
    try {
        const auto cert = ossl::x509_from_der(certificate_der);
        const auto profile = pki::read_holder_profile(cert.get());
        a.person.given_names = profile.given_name;
        a.person.surname = profile.surname;
        if (profile.pseudonym) {
            a.certificate.use_pseudonym = true;
            a.certificate.pseudonym = *profile.pseudonym;
        }
        if (profile.admission && !profile.admission->professions.empty() &&
            !profile.admission->professions.front().items.empty()) {
            a.certificate.profession = new_order::Profession{
                profile.admission->professions.front().items.front(), profile.admission->authority,
                {}};
        }
        if (profile.procuration) {
            a.certificate.procuration = new_order::Procuration{
                profile.procuration->signing_for, "", profile.procuration->register_number, {}};
        }
        if (profile.restriction) {
            a.certificate.restriction = new_order::Restriction{*profile.restriction, {}};
        }
        if (profile.limit_value && profile.limit_value->currency == "EUR") {
            std::int64_t euros = profile.limit_value->amount;
            for (long e = 0; e < profile.limit_value->exponent; ++e) {
                euros *= 10;
            }
            a.certificate.monetary_limit = new_order::MonetaryLimit{euros, {}};
        }
    } catch (const std::exception&) {
        // An unreadable certificate carries nothing over; the form starts empty.
    }
    return a;
}

PageValues new_order_form_values(const PageRequest& page, const Application& a,
                                 const std::vector<orders::FieldError>& errors, bool billing_same,
                                 const config::TrustCenterConfig& config,
                                 const std::string& price) {
    OrderForm order_form{a.order, billing_same};
    auto values = order_form_values(page, order_form, errors);
    values.set("title", std::string(page.text("Neuauftrag: qualifizierte Signaturkarte beantragen",
                                              "New order: apply for a qualified signature card")));
    values.set("from_follow_up", page.http.query.find("grund") == "geaendert");
    values.set("person_fields", fields_of(page, kPersonInputs, a, errors, config));
    values.set("id_fields", fields_of(page, kIdInputs, a, errors, config));
    const auto& c = a.certificate;
    values.set("use_pseudonym", c.use_pseudonym);
    values.set("pseudonym", c.pseudonym);
    set_error(values, page, errors, "certificate.pseudonym", "pseudonym_error");
    values.set("profession_requested", c.profession.has_value());
    values.set("profession_title", c.profession ? c.profession->title : "");
    values.set("profession_chamber", c.profession ? c.profession->chamber : "");
    values.set("profession_direct", c.profession && c.profession->proof.confirmed_directly);
    set_error(values, page, errors, "certificate.profession.title", "profession_title_error");
    set_error(values, page, errors, "certificate.profession.chamber", "profession_chamber_error");
    set_error(values, page, errors, "certificate.profession.proof", "profession_proof_error");
    values.set("procuration_requested", c.procuration.has_value());
    values.set("procuration_company", c.procuration ? c.procuration->company : "");
    values.set("procuration_court", c.procuration ? c.procuration->register_court : "");
    values.set("procuration_number", c.procuration ? c.procuration->register_number : "");
    values.set("procuration_direct", c.procuration && c.procuration->proof.confirmed_directly);
    set_error(values, page, errors, "certificate.procuration.company", "procuration_company_error");
    set_error(values, page, errors, "certificate.procuration.register_court",
              "procuration_court_error");
    set_error(values, page, errors, "certificate.procuration.register_number",
              "procuration_number_error");
    set_error(values, page, errors, "certificate.procuration.proof", "procuration_proof_error");
    values.set("limit_requested", c.monetary_limit.has_value());
    values.set("limit_euros",
               c.monetary_limit && c.monetary_limit->euros > 0 ? std::to_string(c.monetary_limit->euros)
                                                               : std::string());
    values.set("limit_direct", c.monetary_limit && c.monetary_limit->proof.confirmed_directly);
    set_error(values, page, errors, "certificate.monetary_limit.euros", "limit_euros_error");
    set_error(values, page, errors, "certificate.monetary_limit.proof", "limit_proof_error");
    values.set("restriction_requested", c.restriction.has_value());
    values.set("restriction_text", c.restriction ? c.restriction->text : "");
    values.set("restriction_direct", c.restriction && c.restriction->proof.confirmed_directly);
    set_error(values, page, errors, "certificate.restriction.text", "restriction_text_error");
    set_error(values, page, errors, "certificate.restriction.proof", "restriction_proof_error");
    values.set("max_proof_mb", std::to_string(config.new_order.max_proof_bytes / (1024 * 1024)));
    values.set("method_postident", a.identification.method != "registration_office");
    values.set("method_office", a.identification.method == "registration_office");
    PageValues offices{PageValues::type::list};
    for (const auto& office : config.registration_offices) {
        PageValues o;
        o.set("id", office.id);
        o.set("name", office.name);
        o.set("address", office.address);
        o.set("hours", office.hours);
        o.set("selected", office.id == a.identification.office);
        offices << o;
    }
    values.set("offices", offices);
    values.set("has_offices", !config.registration_offices.empty());
    set_error(values, page, errors, "identification.office", "office_error");
    values.set("withdrawal_acknowledged", a.withdrawal_acknowledged);
    set_error(values, page, errors, "declaration.withdrawal_acknowledged", "withdrawal_error");
    values.set("price", price);
    values.set("days", std::to_string(config.new_order.identification_valid_days));
    // A fresh token per form: the same form sent twice is one order.
    values.set("submission_id", encoding::hex(ossl::random_bytes(16)));
    values.set("has_uploads_lost", !errors.empty() && !new_order::requested_attributes(a).empty());
    // The summary names and links each field, the new order's own ones included.
    PageValues summary{PageValues::type::list};
    for (const auto& error : errors) {
        PageValues entry;
        entry.set("id", field_id(error.field));
        const auto* own = new_order::application_field(error.field);
        const std::string text(page.text(*error.code));
        std::string title;
        if (own != nullptr) {
            title = std::string(page.text(own->label_de, own->label_en));
        } else if (const auto* shared = orders::order_field(error.field)) {
            title = orders::field_title(*shared, page.english());
        }
        entry.set("text", title.empty() ? text : title + ": " + text);
        summary << entry;
    }
    values.set("error_summary", summary);
    return values;
}

}  // namespace sigcard::portal::pages
