#include "orders/order_data.hpp"

#include "orders/order_errors.hpp"
#include "text/readable_text.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <map>
#include <regex>

namespace sigcard::orders {

namespace {

constexpr std::size_t kMaxField = 120;

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

const std::map<std::string, std::regex>& postal_code_formats() {
    static const std::map<std::string, std::regex> formats{
        {"DE", std::regex("^[0-9]{5}$")},
        {"AT", std::regex("^[1-9][0-9]{3}$")},
        {"CH", std::regex("^[1-9][0-9]{3}$")},
        {"LI", std::regex("^94[89][0-9]$")},
        {"LU", std::regex("^[0-9]{4}$")},
        {"BE", std::regex("^[1-9][0-9]{3}$")},
        {"NL", std::regex("^[1-9][0-9]{3} ?[A-Z]{2}$")},
        {"FR", std::regex("^[0-9]{5}$")},
        {"IT", std::regex("^[0-9]{5}$")},
        {"DK", std::regex("^[1-9][0-9]{3}$")},
        {"PL", std::regex("^[0-9]{2}-[0-9]{3}$")},
        {"CZ", std::regex("^[0-9]{3} ?[0-9]{2}$")},
    };
    return formats;
}

void check_text(std::vector<FieldError>& errors, const std::string& field, const std::string& value,
                bool required, std::size_t max_bytes = kMaxField) {
    if (value.empty()) {
        if (required) {
            errors.push_back({field, &errors::field_required});
        }
        return;
    }
    if (value.size() > max_bytes) {
        errors.push_back({field, &errors::field_too_long});
    } else if (!text::is_readable(value, text::Lines::single)) {
        // The one rule of readable text (text/readable_text.hpp): what the agent then shows and
        // signs, refused here with the field named, not at the signing step.
        errors.push_back({field, &errors::field_invalid_characters});
    }
}

void check_address(std::vector<FieldError>& errors, const std::string& prefix,
                   const PostalAddress& a) {
    check_text(errors, prefix + ".name", a.name, true);
    check_text(errors, prefix + ".company", a.company, false);
    check_text(errors, prefix + ".street", a.street, true);
    check_text(errors, prefix + ".address_extra", a.address_extra, false);
    check_text(errors, prefix + ".city", a.city, true);
    const auto& formats = postal_code_formats();
    const auto format = formats.find(a.country);
    if (format == formats.end()) {
        errors.push_back({prefix + ".country", &errors::country_unsupported});
    }
    if (a.postal_code.empty()) {
        errors.push_back({prefix + ".postal_code", &errors::field_required});
    } else if (format != formats.end() && !std::regex_match(a.postal_code, format->second)) {
        errors.push_back({prefix + ".postal_code", &errors::postal_code_invalid});
    }
}

bool valid_email(const std::string& email) {
    // The pragmatic form: one @, a local part, a domain with a dot, no spaces or control chars.
    static const std::regex pattern(
        "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$");
    return email.size() <= 254 && std::regex_match(email, pattern) &&
           email.find("..") == std::string::npos;
}

bool valid_phone(const std::string& phone) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(phone, "DE", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return false;
    }
    return util->IsValidNumber(number);
}

bool valid_vat_id(const std::string& vat_id) {
    static const std::regex german("^DE[0-9]{9}$");
    static const std::regex austrian("^ATU[0-9]{8}$");
    static const std::regex eu(
        "^(AT|BE|BG|CY|CZ|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|"
        "PT|RO|SE|SI|SK|XI|CHE)[0-9A-Z+*.-]{2,14}$");
    if (vat_id.rfind("DE", 0) == 0) {
        return std::regex_match(vat_id, german);
    }
    if (vat_id.rfind("AT", 0) == 0) {
        return std::regex_match(vat_id, austrian);
    }
    return std::regex_match(vat_id, eu);
}

PostalAddress normalise(PostalAddress a) {
    a.name = trim(a.name);
    a.company = trim(a.company);
    a.street = trim(a.street);
    a.address_extra = trim(a.address_extra);
    a.postal_code = upper(trim(a.postal_code));
    a.city = trim(a.city);
    a.country = upper(trim(a.country));
    return a;
}

void read_address(const nlohmann::json& j, PostalAddress& a) {
    a.name = string_field(j, "name");
    a.company = string_field(j, "company");
    a.street = string_field(j, "street");
    a.address_extra = string_field(j, "address_extra");
    a.postal_code = string_field(j, "postal_code");
    a.city = string_field(j, "city");
    a.country = string_field(j, "country");
}

nlohmann::json address_json(const PostalAddress& a) {
    return {{"name", a.name},
            {"company", a.company},
            {"street", a.street},
            {"address_extra", a.address_extra},
            {"postal_code", a.postal_code},
            {"city", a.city},
            {"country", a.country}};
}

}  // namespace

std::string string_field(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) {
        return {};
    }
    if (!j.at(key).is_string()) {
        throw Error(errors::malformed_request, std::string("field ") + key + " is not a string");
    }
    return j.at(key).get<std::string>();
}

bool bool_field(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) {
        return false;
    }
    if (!j.at(key).is_boolean()) {
        throw Error(errors::malformed_request, std::string("field ") + key + " is not a boolean");
    }
    return j.at(key).get<bool>();
}

const nlohmann::json& object_field(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::object();
    if (!j.contains(key) || j.at(key).is_null()) {
        return empty;
    }
    if (!j.at(key).is_object()) {
        throw Error(errors::malformed_request, std::string("field ") + key + " is not an object");
    }
    return j.at(key);
}

const std::vector<std::string>& supported_countries() {
    static const std::vector<std::string> countries = [] {
        std::vector<std::string> out;
        for (const auto& [country, _] : postal_code_formats()) {
            out.push_back(country);
        }
        return out;
    }();
    return countries;
}

OrderData normalise(OrderData d) {
    d.contact.email = trim(d.contact.email);
    d.contact.phone = trim(d.contact.phone);
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (!d.contact.phone.empty() &&
        util->Parse(d.contact.phone, "DE", &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
        util->IsValidNumber(number)) {
        util->Format(number, PhoneNumberUtil::E164, &d.contact.phone);
    }
    d.shipping = normalise(d.shipping);
    const std::string vat_id = d.billing.vat_id;
    static_cast<PostalAddress&>(d.billing) = normalise(static_cast<PostalAddress>(d.billing));
    d.billing.vat_id = upper(trim(vat_id));
    d.billing.vat_id.erase(std::remove(d.billing.vat_id.begin(), d.billing.vat_id.end(), ' '),
                           d.billing.vat_id.end());
    return d;
}

InvalidOrderData::InvalidOrderData(std::vector<FieldError> fields)
    : Error(errors::invalid_input, std::to_string(fields.size()) + " field(s)"),
      fields_(std::move(fields)) {}

void check_text_field(std::vector<FieldError>& errors, const std::string& field,
                      const std::string& value, bool required, std::size_t max_bytes) {
    check_text(errors, field, value, required, max_bytes);
}

std::string trimmed(const std::string& text) {
    return trim(text);
}

std::vector<FieldError> validate(const OrderData& d) {
    auto errors = validate_contact_and_addresses(d);
    if (!d.name_and_attributes_unchanged) {
        errors.push_back(
            {"declaration.name_and_attributes_unchanged", &errors::declaration_missing});
    }
    if (!d.terms_accepted) {
        errors.push_back({"declaration.terms_accepted", &errors::terms_not_accepted});
    }
    return errors;
}

std::vector<FieldError> validate_contact_and_addresses(const OrderData& d) {
    std::vector<FieldError> errors;
    if (d.contact.email.empty()) {
        errors.push_back({"contact.email", &errors::field_required});
    } else if (!valid_email(d.contact.email)) {
        errors.push_back({"contact.email", &errors::email_invalid});
    }
    if (d.contact.phone.empty()) {
        errors.push_back({"contact.phone", &errors::field_required});
    } else if (d.contact.phone.size() > 32 || !valid_phone(d.contact.phone)) {
        errors.push_back({"contact.phone", &errors::phone_invalid});
    }
    check_address(errors, "shipping", d.shipping);
    check_address(errors, "billing", d.billing);
    if (!d.billing.vat_id.empty() && !valid_vat_id(d.billing.vat_id)) {
        errors.push_back({"billing.vat_id", &errors::vat_id_invalid});
    }
    return errors;
}

void to_json(nlohmann::json& j, const OrderData& d) {
    auto billing = address_json(d.billing);
    billing["vat_id"] = d.billing.vat_id;
    j = {{"contact", {{"email", d.contact.email}, {"phone", d.contact.phone}}},
         {"shipping", address_json(d.shipping)},
         {"billing", billing},
         {"declaration",
          {{"name_and_attributes_unchanged", d.name_and_attributes_unchanged},
           {"terms_accepted", d.terms_accepted}}}};
}

OrderData order_data_from_json(const nlohmann::json& j) {
    if (!j.is_object()) {
        throw Error(errors::malformed_request, "order data is not an object");
    }
    OrderData d;
    const auto& contact = object_field(j, "contact");
    d.contact.email = string_field(contact, "email");
    d.contact.phone = string_field(contact, "phone");
    read_address(object_field(j, "shipping"), d.shipping);
    const auto& billing = object_field(j, "billing");
    read_address(billing, d.billing);
    d.billing.vat_id = string_field(billing, "vat_id");
    const auto& declaration = object_field(j, "declaration");
    d.name_and_attributes_unchanged = bool_field(declaration, "name_and_attributes_unchanged");
    d.terms_accepted = bool_field(declaration, "terms_accepted");
    return d;
}

}  // namespace sigcard::orders
