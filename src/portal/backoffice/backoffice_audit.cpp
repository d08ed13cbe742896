// The auditor's page: the audit log, newest first, filtered by who, what and about which order
// or serial, and the check of its hash chain run from the page (itself recorded in the log).
#include "portal/backoffice/backoffice_pages.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "portal/backoffice/backoffice_refusals.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRequest;
using pages::PageValues;

// The kinds of action the filter offers: the prefixes of the log's action names.
constexpr std::array<std::pair<std::string_view, std::pair<std::string_view, std::string_view>>, 6>
    kActionKinds{{{"order.", {"Aufträge", "Orders"}},
                  {"identification.", {"Identifizierungen", "Identifications"}},
                  {"postident.", {"PostIdent", "PostIdent"}},
                  {"operator.", {"Mitarbeiter", "Operators"}},
                  {"certificate.", {"Zertifikate", "Certificates"}},
                  {"audit.", {"Prüfprotokoll", "Audit log"}}}};


}  // namespace

void BackofficePages::add_audit_routes(http::Router& router) {
    router.get("/pruefprotokoll", operator_page(&BackofficePages::audit_page, operators::Role::auditor));
    router.post("/pruefprotokoll/pruefen",
                operator_page(&BackofficePages::audit_check, operators::Role::auditor));
}

http::Response BackofficePages::audit_page(PageRequest& page, const Session& session) {
    return audit_view(page, session, std::nullopt);
}

http::Response BackofficePages::audit_check(PageRequest& page, const Session& session) {
    const auto result = audit::verify(context_.db);
    context_.db.in_transaction([&](soci::session& s) {
        audit::append(s, context_.db.dialect(), session.who.actor(), "audit.verified", "audit_log",
                      nlohmann::json{{"intact", result.intact},
                                     {"records", result.records},
                                     {"first_broken_seq", result.first_broken_seq.value_or(0)}}
                          .dump());
    });
    return audit_view(page, session, result);
}

http::Response BackofficePages::audit_view(PageRequest& page, const Session& session,
                                           const std::optional<audit::AuditVerification>& check) {
    audit::AuditQuery query;
    query.actor = query_value(page, "wer");
    query.subject = query_value(page, "betreff");
    const auto kind = query_value(page, "was");
    for (const auto& [prefix, labels] : kActionKinds) {
        if (kind == prefix) {
            query.action_prefix = std::string(prefix);
        }
    }
    try {
        if (const auto before = query_value(page, "vor"); !before.empty()) {
            query.before_seq = std::stoll(before);
        }
    } catch (const std::exception&) {
        query.before_seq.reset();
    }
    query.limit = 100;
    const auto records = audit::list(context_.db, query);
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Prüfprotokoll", "Audit log")));
    values.set("actor", query.actor);
    values.set("subject", query.subject);
    PageValues kinds{PageValues::type::list};
    for (const auto& [prefix, labels] : kActionKinds) {
        PageValues k;
        k.set("value", std::string(prefix));
        k.set("label", std::string(page.english() ? labels.second : labels.first));
        k.set("selected", query.action_prefix == prefix);
        kinds.push_back(k);
    }
    values.set("kinds", kinds);
    PageValues rows{PageValues::type::list};
    for (const auto& r : records) {
        PageValues v;
        v.set("seq", std::to_string(r.seq));
        v.set("at", pages::format_date_time(r.at, page.language));
        v.set("actor", r.actor);
        v.set("action", r.action);
        v.set("subject", r.subject);
        v.set("details", r.details);
        rows.push_back(v);
    }
    values.set("records", rows);
    values.set("has_more", records.size() == static_cast<std::size_t>(query.limit));
    values.set("next_before", records.empty() ? std::string() : std::to_string(records.back().seq));
    values.set("kind", query.action_prefix);
    values.set("checked", check.has_value());
    if (check) {
        values.set("intact", check->intact);
        values.set("checked_records", std::to_string(check->records));
        values.set("first_broken", std::to_string(check->first_broken_seq.value_or(0)));
    }
    auto response = render(page, "backoffice_audit", std::move(values));
    if (check && !check->intact) {
        response.status = 409;
    }
    return response;
}

}  // namespace sigcard::portal::backoffice
