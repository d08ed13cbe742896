#include "portal/follow_up_json.hpp"

#include "new_order/application_fields.hpp"

#include "encoding/encoding.hpp"
#include "orders/order_document.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_fields.hpp"
#include "portal/follow_up_api_errors.hpp"
#include "storage/database.hpp"

#include <algorithm>

namespace sigcard::portal::api_json {

namespace {

using nlohmann::json;

bool is_base64(std::string_view text) {
    if (text.size() % 4 != 0) {
        return false;
    }
    const auto padding = text.ends_with("==") ? 2U : text.ends_with('=') ? 1U : 0U;
    const auto body = text.substr(0, text.size() - padding);
    // The alphabet spelled out: std::isalnum is a call per character and asks the locale.
    return std::all_of(body.begin(), body.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

json profession_json(const pki::ProfessionInfo& profession) {
    json out = {{"items", profession.items}, {"oids", profession.oids}};
    if (!profession.registration_number.empty()) {
        out["registration_number"] = profession.registration_number;
    }
    return out;
}

// What a new order form needs from the certificate, so a holder who must be identified again
// (or whose name changed) starts from what the trust center already certified.
json new_order_prefill(const pki::HolderProfile& p) {
    json out = {{"country", p.country}};
    if (p.pseudonym) {
        out["pseudonym"] = *p.pseudonym;
    } else {
        out["given_name"] = p.given_name;
        out["surname"] = p.surname;
    }
    if (p.admission) {
        json professions = json::array();
        for (const auto& profession : p.admission->professions) {
            professions.push_back(profession_json(profession));
        }
        out["admission"] = {{"authority", p.admission->authority}, {"professions", professions}};
    }
    if (p.procuration) {
        out["procuration"] = {{"country", p.procuration->country},
                              {"type_of_substitution", p.procuration->type_of_substitution},
                              {"signing_for", p.procuration->signing_for},
                              {"register_number", p.procuration->register_number}};
    }
    if (p.restriction) {
        out["restriction"] = *p.restriction;
    }
    if (p.additional_information) {
        out["additional_information"] = *p.additional_information;
    }
    return out;
}

json holder_json(const orders::CertifiedHolder& holder) {
    json attributes = json::array();
    for (const auto& fact : holder.facts) {
        attributes.push_back(
            {{"label", {{"de", fact.label_de}, {"en", fact.label_en}}}, {"value", fact.value}});
    }
    return {{"name", holder.name}, {"attributes", attributes}};
}

}  // namespace

json parse_object(const std::string& body) {
    json value = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
        throw MalformedRequest("", "body is not JSON");
    }
    if (!value.is_object()) {
        throw MalformedRequest("", "body is not a JSON object");
    }
    return value;
}

std::string required_string(const json& object, const char* field) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        throw MalformedRequest(field, "missing");
    }
    if (!it->is_string()) {
        throw MalformedRequest(field, "not a string");
    }
    auto value = it->get<std::string>();
    if (value.empty()) {
        throw MalformedRequest(field, "empty");
    }
    return value;
}

std::string required_base64(const json& object, const char* field, std::size_t max_bytes) {
    const auto text = required_string(object, field);
    if (text.size() / 4 * 3 > max_bytes + 2) {
        throw MalformedRequest(field, "too large");
    }
    if (!is_base64(text)) {
        throw MalformedRequest(field, "not base64");
    }
    try {
        return encoding::from_base64(text);
    } catch (const std::invalid_argument&) {
        throw MalformedRequest(field, "not base64");
    }
}

std::string timestamp(std::int64_t unix_seconds) {
    return orders::format_utc(unix_seconds);
}

json message(const ErrorCode& code) {
    return {{"de", code.de}, {"en", code.en}};
}

namespace {
// Where a refused holder goes instead. The open order's number only to whom proved to hold the
// card (a signed submission): a certificate alone is public, and the number with a guessed email
// would open the order's status and PDF. Without that proof: only that an order is open.
void add_way_forward(json& out, const orders::EligibilityDecision& decision, bool card_proven) {
    if (decision.partner) {
        const auto& p = *decision.partner;
        out["partner"] = {{"name", p.name},
                          {"email", p.contact_email},
                          {"phone", p.contact_phone},
                          {"website", p.website}};
    }
    if (decision.open_order_number) {
        out["open_order"] = true;
        if (card_proven) {
            out["open_order_number"] = *decision.open_order_number;
        }
    }
    if (decision.window_opens_at) {
        out["window_opens_at"] = timestamp(*decision.window_opens_at);
    }
}
}  // namespace

json eligibility(const orders::EligibilityReport& report) {
    const auto& decision = report.decision;
    json out = {{"eligible", decision.eligible()},
                {"new_order_instead", decision.new_order_instead}};
    if (!decision.eligible()) {
        out["reason"] = {{"code", decision.refusal->id}, {"message", message(*decision.refusal)}};
    }
    if (!report.certificate_serial.empty()) {
        out["certificate"] = {{"serial", report.certificate_serial},
                              {"not_after", timestamp(report.not_after)}};
    }
    if (report.profile) {
        out["holder"] = holder_json(report.holder);
        // Also for eligible holders: one whose name or attributes changed goes this way too.
        out["new_order_prefill"] = new_order_prefill(*report.profile);
    }
    add_way_forward(out, decision, false);
    return out;
}

json refusal(const orders::EligibilityRefused& refused, bool card_proven) {
    json error = {{"code", refused.id()},
                  {"message", message(refused.code())},
                  {"new_order_instead", refused.decision().new_order_instead}};
    add_way_forward(error, refused.decision(), card_proven);
    return {{"error", error}};
}

json draft(const orders::OrderDraft& d, const std::string& terms_url) {
    return {
        {"nonce", d.nonce},
        {"document", d.document},
        {"document_base64", encoding::to_base64(d.document)},
        {"document_sha256", d.document_sha256},
        {"terms", {{"version", d.terms.version}, {"sha256", d.terms.sha256}, {"url", terms_url}}},
        {"issued_at", timestamp(d.issued_at)},
        {"expires_at", timestamp(d.expires_at)}};
}

json order_status(const orders::OrderRecord& order) {
    json events = json::array();
    for (const auto& event : order.events) {
        json e = {{"at", timestamp(event.at)}, {"state", orders::to_string(event.to)}};
        if (event.from) {
            e["from"] = orders::to_string(*event.from);
        }
        events.push_back(std::move(e));
    }
    return {{"order_number", order.order_number},
            {"state", orders::to_string(order.state)},
            {"created_at", timestamp(order.created_at)},
            {"updated_at", timestamp(order.updated_at)},
            {"terms_version", order.terms_version},
            {"document_sha256", order.document_sha256},
            {"events", events}};
}

json invalid_input(const orders::InvalidOrderData& error) {
    json fields = json::array();
    for (const auto& f : error.fields()) {
        json entry = {{"field", f.field}, {"code", f.code->id}, {"message", message(*f.code)}};
        // The field's name as the pages and the terminal show it (orders/order_fields.hpp).
        if (const auto* described = orders::order_field(f.field)) {
            entry["label"] = {{"de", orders::field_title(*described, false)},
                              {"en", orders::field_title(*described, true)}};
        } else if (const auto* own = new_order::application_field(f.field)) {
            entry["label"] = {{"de", own->label_de}, {"en", own->label_en}};
        }
        fields.push_back(std::move(entry));
    }
    return {
        {"error", {{"code", error.id()}, {"message", message(error.code())}, {"fields", fields}}}};
}

}  // namespace sigcard::portal::api_json
