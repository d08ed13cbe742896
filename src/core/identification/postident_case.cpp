#include "identification/postident_case.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace sigcard::identification {

namespace {

using nlohmann::json;

[[noreturn]] void malformed(const std::string& field, const std::string& what) {
    throw Error(errors::malformed_result, field + ": " + what);
}

// The member, or nullptr when it is absent or null.
const json* member(const json& object, const char* key) {
    const auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string text(const json& object, const char* key, const std::string& path, bool required) {
    const auto* value = member(object, key);
    if (value == nullptr) {
        if (required) {
            malformed(path + key, "missing");
        }
        return {};
    }
    if (!value->is_string()) {
        malformed(path + key, "not a string");
    }
    return value->get<std::string>();
}

const json& object(const json& parent, const char* key, const std::string& path, bool required) {
    static const json empty = json::object();
    const auto* value = member(parent, key);
    if (value == nullptr) {
        if (required) {
            malformed(path + key, "missing");
        }
        return empty;
    }
    if (!value->is_object()) {
        malformed(path + key, "not an object");
    }
    return *value;
}

void one_of(const std::string& value, std::initializer_list<std::string_view> allowed,
            const std::string& field) {
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        malformed(field, "unknown value");
    }
}

CheckedValue checked(const json& parent, const char* key, const std::string& path) {
    const auto& value = object(parent, key, path, false);
    if (value.empty()) {
        return {};
    }
    const std::string here = path + key + ".";
    CheckedValue out{text(value, "status", here, true), text(value, "value", here, false)};
    one_of(out.status, {"new", "match", "change"}, here + "status");
    return out;
}

IdentificationDocument document_of(const json& d, const std::string& path) {
    IdentificationDocument out;
    const std::array<std::pair<const char*, CheckedValue IdentificationDocument::*>, 13> values{{
        {"type", &IdentificationDocument::type},
        {"number", &IdentificationDocument::number},
        {"firstName", &IdentificationDocument::first_name},
        {"lastName", &IdentificationDocument::last_name},
        {"birthName", &IdentificationDocument::birth_name},
        {"birthDate", &IdentificationDocument::birth_date},
        {"birthPlace", &IdentificationDocument::birth_place},
        {"nationality", &IdentificationDocument::nationality},
        {"dateIssued", &IdentificationDocument::date_issued},
        {"dateOfExpiry", &IdentificationDocument::date_of_expiry},
        {"authority", &IdentificationDocument::authority},
        {"placeOfIssue", &IdentificationDocument::place_of_issue},
        {"countryOfDocument", &IdentificationDocument::country_of_document},
    }};
    for (const auto& [key, field] : values) {
        out.*field = checked(d, key, path);
    }
    const auto& a = object(d, "address", path, false);
    const std::string here = path + "address.";
    out.address = {checked(a, "streetAddress", here), checked(a, "appendix", here),
                   checked(a, "postalCode", here), checked(a, "city", here),
                   checked(a, "country", here)};
    return out;
}

}  // namespace

PostIdentCase parse_postident_case(std::string_view text_json) {
    return postident_case_from(json::parse(text_json, nullptr, false));
}

PostIdentCase postident_case_from(const nlohmann::json& root) {
    if (root.is_discarded() || !root.is_object()) {
        malformed("document", "not a JSON object");
    }
    PostIdentCase c;
    c.case_id = text(root, "caseId", "", true);
    const auto& status = object(root, "caseStatus", "", true);
    c.case_status = text(status, "status", "caseStatus.", true);
    one_of(c.case_status, {"new", "in progress", "closed"}, "caseStatus.status");
    if (const auto* archived = member(status, "archived")) {
        if (!archived->is_boolean()) {
            malformed("caseStatus.archived", "not a boolean");
        }
        c.archived = archived->get<bool>();
    }
    const auto& order = object(root, "orderData", "", true);
    const auto& process = object(order, "processData", "orderData.", true);
    c.reference_id = text(process, "referenceId", "orderData.processData.", true);
    if (c.reference_id.empty() || c.reference_id.size() > 14) {
        malformed("orderData.processData.referenceId", "empty or longer than 14 characters");
    }
    const auto& accounting = object(root, "accountingData", "", false);
    c.accounting_number = text(accounting, "accountingNumber", "accountingData.", false);
    c.accounting_product = text(accounting, "accountingProduct", "accountingData.", false);
    if (const auto* list = member(root, "identifications")) {
        if (!list->is_array()) {
            malformed("identifications", "not an array");
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto& item = (*list)[i];
            const std::string path = "identifications[" + std::to_string(i) + "].";
            if (!item.is_object()) {
                malformed(path.substr(0, path.size() - 1), "not an object");
            }
            Identification id;
            id.method = text(item, "identificationMethod", path, true);
            one_of(id.method, {"basic", "video", "eid", "photo", "autoid"},
                   path + "identificationMethod");
            const auto& s = object(item, "identificationStatus", path, true);
            const std::string status_path = path + "identificationStatus.";
            id.status = text(s, "status", status_path, true);
            one_of(id.status,
                   {"started", "coupon requested", "incomplete", "review pending", "declined",
                    "success"},
                   status_path + "status");
            id.sub_status = text(s, "subStatus", status_path, false);
            id.sub_status_reason = text(s, "subStatusReason", status_path, false);
            id.identification_time = text(s, "identificationTime", status_path, false);
            id.created = text(s, "created", status_path, false);
            id.modified = text(s, "modified", status_path, false);
            const auto& d = object(item, "identificationDocument", path, false);
            if (!d.empty()) {
                id.document = document_of(d, path + "identificationDocument.");
            }
            c.identifications.push_back(std::move(id));
        }
    }
    return c;
}

}  // namespace sigcard::identification
