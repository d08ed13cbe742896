#include "identification/postident_assessment.hpp"

#include "common/clock.hpp"
#include "text/readable_text.hpp"

#include <unicode/locid.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace sigcard::identification {

namespace {

// NFC, spaces collapsed, case folded for ASCII letters: "Müller-Lüdenscheidt" written with a
// combining diaeresis, or with a double space, is the same name.
std::string comparable(const std::string& value) {
    std::string normal;
    try {
        normal = text::normalized(value);
    } catch (const std::invalid_argument&) {
        return value;
    }
    std::string out;
    bool space = false;
    for (const char c : normal) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

void compare(Assessment& a, const std::string& field, const std::string& ordered,
             const CheckedValue& identified, bool required = true) {
    if (!identified.present()) {
        if (required || !ordered.empty()) {
            a.comparisons.push_back({field, ordered, "", "missing", false});
        }
        return;
    }
    const bool agrees =
        identified.status == "match" && comparable(ordered) == comparable(identified.value);
    a.comparisons.push_back({field, ordered, identified.value, identified.status, agrees});
}

bool contains_fraud(const std::string& reason) {
    std::string lower = reason;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("fraud") != std::string::npos;
}

void compare_document(Assessment& a, const IdentificationDocument& d,
                      const new_order::Application& order) {
    const auto& p = order.person;
    compare(a, "person.given_names", p.given_names, d.first_name);
    compare(a, "person.surname", p.surname, d.last_name);
    compare(a, "person.birth_name", p.birth_name, d.birth_name, false);
    compare(a, "person.birth_date", p.birth_date,
            {d.birth_date.status, d.birth_date.value.substr(0, 10)});
    compare(a, "person.birth_place", p.birth_place, d.birth_place);
    compare(a, "person.nationality", alpha3_of(p.nationality), d.nationality);
    compare(a, "id_document.number", order.id_document.number, d.number);
    compare(a, "id_document.expires_on", order.id_document.expires_on,
            {d.date_of_expiry.status, d.date_of_expiry.value.substr(0, 10)});
    compare(a, "person.address.street", p.address.street, d.address.street_address);
    compare(a, "person.address.postal_code", p.address.postal_code, d.address.postal_code);
    compare(a, "person.address.city", p.address.city, d.address.city);
}

}  // namespace

std::string alpha3_of(const std::string& alpha2) {
    const icu::Locale locale("", alpha2.c_str());
    return alpha2.size() == 2 ? std::string(locale.getISO3Country()) : std::string();
}

Assessment assess(const PostIdentCase& result, const new_order::Application& order,
                  const AssessmentRules& rules) {
    Assessment a;
    std::vector<const Identification*> successes;
    const Identification* declined = nullptr;
    bool pending_review = false;
    for (const auto& id : result.identifications) {
        if (id.status == "success" && id.document) {
            successes.push_back(&id);
        } else if (id.status == "declined") {
            declined = &id;
        } else if (id.status == "review pending") {
            pending_review = true;
        }
    }
    if (successes.empty()) {
        if (declined != nullptr) {
            a.verdict = Verdict::declined;
            a.reasons.push_back("declined");
            a.declined_reason = declined->sub_status_reason.empty() ? declined->sub_status
                                                                    : declined->sub_status_reason;
        } else if (pending_review) {
            a.verdict = Verdict::review;
            a.reasons.push_back("review_pending");
        }
        return a;  // otherwise still under way: waiting
    }
    const Identification& decided = *successes.back();
    compare_document(a, *decided.document, order);
    if (result.accounting_number != rules.billing_number) {
        a.reasons.push_back("billing_number");
    }
    if (contains_fraud(decided.sub_status_reason) || contains_fraud(decided.sub_status)) {
        a.reasons.push_back("suspected_fraud");
    }
    // Two successful identifications that read different documents or persons.
    for (const auto* other : successes) {
        const auto& x = *other->document;
        const auto& y = *decided.document;
        if (comparable(x.number.value) != comparable(y.number.value) ||
            comparable(x.last_name.value) != comparable(y.last_name.value) ||
            comparable(x.first_name.value) != comparable(y.first_name.value)) {
            a.reasons.push_back("conflicting_results");
            break;
        }
    }
    if (declined != nullptr) {
        a.reasons.push_back("conflicting_results");
    }
    if (std::any_of(a.comparisons.begin(), a.comparisons.end(),
                    [](const Comparison& c) { return !c.agrees; })) {
        a.reasons.push_back("values_differ");
    }
    const auto expires = iso_day(decided.document->date_of_expiry.value);
    const auto today = iso_day(rules.today);
    if (!expires || !today ||
        *expires < *today + std::chrono::days(rules.min_id_validity_days)) {
        a.reasons.push_back("id_expires_soon");
    }
    a.reasons.erase(std::unique(a.reasons.begin(), a.reasons.end()), a.reasons.end());
    a.verdict = a.reasons.empty() ? Verdict::accepted : Verdict::review;
    return a;
}

}  // namespace sigcard::identification
