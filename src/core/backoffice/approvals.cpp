#include "backoffice/approvals.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "operators/operator_signature.hpp"
#include "orders/order_errors.hpp"
#include "orders/sql_order_store.hpp"
#include "text/readable_text.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sigcard::backoffice {

namespace {

using nlohmann::json;
using orders::OrderState;

constexpr std::size_t kReasonMaxBytes = 500;

struct OrderFacts {
    long long id = 0;
    std::string number;
    std::string kind;
    std::string state;
    std::string document_sha256;
    std::string order_data;
    int revision = 0;
    std::string entered_by;
    std::vector<std::string> identified_by;
};

// The order's row locked for the caller's transaction (on PostgreSQL until it ends; SQLite has one
// writer at a time anyway): two approvers deciding at once on two instances then see each other's
// decision, and the second takes the approve step.
void lock_order(soci::session& s, const std::string& number) {
    s << "UPDATE orders SET revision = revision WHERE order_number = :n", soci::use(number);
}

std::optional<OrderFacts> facts_of(soci::session& s, const std::string& number) {
    OrderFacts f;
    f.number = number;
    s << "SELECT id, kind, state, document_sha256, order_data, revision FROM orders WHERE "
         "order_number = :n",
        soci::use(number), soci::into(f.id), soci::into(f.kind), soci::into(f.state),
        soci::into(f.document_sha256), soci::into(f.order_data), soci::into(f.revision);
    if (!s.got_data()) {
        return std::nullopt;
    }
    soci::indicator entered = soci::i_null;
    s << "SELECT actor FROM order_events WHERE order_id = :id AND from_state IS NULL ORDER BY id "
         "LIMIT 1",
        soci::use(f.id), soci::into(f.entered_by, entered);
    soci::rowset<std::string> identifiers =
        (s.prepare << "SELECT actor FROM order_events WHERE order_id = :id AND to_state = "
                      "'identified' UNION SELECT 'operator:' || officer FROM "
                      "identification_records WHERE order_id = :id2",
         soci::use(f.id), soci::use(f.id));
    for (const auto& actor : identifiers) {
        f.identified_by.push_back(actor);
    }
    return f;
}

std::vector<StoredDecision> decisions_of(soci::session& s, long long order_id) {
    std::vector<StoredDecision> out;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, decision, operator_name, certificate_serial, revision, "
                      "statement, signature, decided_at, voided_at FROM order_decisions WHERE "
                      "order_id = :id ORDER BY id",
         soci::use(order_id));
    for (const auto& row : rows) {
        StoredDecision d;
        d.id = storage::row_int64(row, 0);
        d.decision = row.get<std::string>(1) == "reject" ? Decision::reject : Decision::approve;
        d.operator_name = row.get<std::string>(2);
        d.certificate_serial = row.get<std::string>(3);
        d.revision = static_cast<int>(storage::row_int64(row, 4));
        d.statement = row.get<std::string>(5);
        d.signature_base64 = row.get<std::string>(6);
        d.decided_at = storage::row_int64(row, 7);
        if (row.get_indicator(8) != soci::i_null) {
            d.voided_at = storage::row_int64(row, 8);
        }
        out.push_back(std::move(d));
    }
    return out;
}

int valid_approvals(const std::vector<StoredDecision>& decisions, int revision) {
    return static_cast<int>(std::count_if(decisions.begin(), decisions.end(), [&](const auto& d) {
        return d.decision == Decision::approve && !d.voided_at && d.revision == revision;
    }));
}

bool awaiting_approval(const OrderFacts& f) {
    const auto state = orders::order_state_from(f.state);
    return state && orders::allows(orders::rule_of(orders::OrderStep::approve), *state);
}

// Everything checked before a decision is signed and again when it is stored.
void check_decision(const OrderFacts& f, const std::vector<StoredDecision>& decisions,
                    Decision decision, const std::string& reason, const operators::Operator& who) {
    operators::require_role(who, operators::Role::approver);
    if (!awaiting_approval(f)) {
        throw Error(errors::not_awaiting_approval, f.number + " is " + f.state);
    }
    if (decision == Decision::reject) {
        if (orders::trimmed(reason).empty()) {
            throw Error(errors::reason_missing, f.number);
        }
        if (reason.size() > kReasonMaxBytes || !text::is_readable(reason, text::Lines::single)) {
            throw Error(errors::reason_unreadable, f.number);
        }
    }
    const auto actor = who.actor();
    const bool decided = std::any_of(decisions.begin(), decisions.end(), [&](const auto& d) {
        return d.operator_name == who.name && !d.voided_at && d.revision == f.revision;
    });
    if (decided) {
        throw Error(errors::same_approver, f.number + " by " + who.name);
    }
    if (decision == Decision::approve) {
        if (f.entered_by == actor) {
            throw Error(errors::entered_by_approver, f.number + " by " + who.name);
        }
        if (std::find(f.identified_by.begin(), f.identified_by.end(), actor) !=
            f.identified_by.end()) {
            throw Error(errors::identified_by_approver, f.number + " by " + who.name);
        }
    }
}

std::string render_statement(const std::string& trust_center, const OrderFacts& f,
                             Decision decision, const std::string& reason,
                             const operators::Operator& who, std::int64_t issued_at) {
    json statement{
        {"statement", "Entscheidung über einen Auftrag / Decision on an order"},
        {"trust_center", trust_center},
        {"order", f.number},
        {"order_kind", f.kind},
        {"order_document_sha256", f.document_sha256},
        {"order_data_sha256", encoding::hex(ossl::sha256(ossl::as_bytes(f.order_data)))},
        {"order_revision", f.revision},
        {"decision", std::string(to_string(decision))},
        {"decision_text",
         decision == Decision::approve
             ? json{{"de", "Ich gebe diesen Auftrag frei."}, {"en", "I approve this order."}}
             : json{{"de", "Ich lehne diesen Auftrag ab."}, {"en", "I reject this order."}}},
        {"operator", who.name},
        {"operator_name", who.display_name},
        {"operator_certificate_serial", who.certificate_serial},
        {"time", utc_time_text(issued_at)},
        {"issued_at", issued_at}};
    if (decision == Decision::reject) {
        statement["reason"] = orders::trimmed(reason);
    }
    return statement.dump(2);
}

}  // namespace

std::string_view to_string(Decision decision) {
    return decision == Decision::approve ? "approve" : "reject";
}

int ApprovalStatus::approvals() const { return valid_approvals(decisions, revision); }

DecisionStatement Approvals::statement(const std::string& order_number, Decision decision,
                                       const std::string& reason, const operators::Operator& who,
                                       std::int64_t now) const {
    return db_.with_session([&](soci::session& s) {
        const auto facts = facts_of(s, order_number);
        if (!facts) {
            throw Error(orders::errors::unknown, order_number);
        }
        check_decision(*facts, decisions_of(s, facts->id), decision, reason, who);
        return DecisionStatement{render_statement(trust_center_, *facts, decision, reason, who, now),
                                 order_number, decision, now};
    });
}

DecisionOutcome Approvals::decide(const std::string& statement_text,
                                  std::span<const std::uint8_t> cms,
                                  const operators::Operator& who, std::int64_t now) {
    json parsed;
    std::string number;
    std::string decision_text;
    std::string reason;
    std::int64_t issued_at = 0;
    int revision = 0;
    try {
        parsed = json::parse(statement_text);
        number = parsed.at("order").get<std::string>();
        decision_text = parsed.at("decision").get<std::string>();
        reason = parsed.value("reason", std::string());
        issued_at = parsed.at("issued_at").get<std::int64_t>();
        revision = parsed.at("order_revision").get<int>();
        if (parsed.at("trust_center").get<std::string>() != trust_center_ ||
            parsed.at("operator").get<std::string>() != who.name ||
            (decision_text != "approve" && decision_text != "reject")) {
            throw Error(errors::statement_invalid, "another trust center, operator or decision");
        }
    } catch (const json::exception& e) {
        throw Error(errors::statement_invalid, e.what());
    }
    if (now - issued_at > decision_lifetime || issued_at > now + 60) {
        throw Error(errors::statement_expired, number);
    }
    const auto decision = decision_text == "approve" ? Decision::approve : Decision::reject;
    const auto dialect = db_.dialect();
    return db_.in_transaction([&](soci::session& s) {
        lock_order(s, number);
        const auto facts = facts_of(s, number);
        if (!facts) {
            throw Error(orders::errors::unknown, number);
        }
        const auto decisions = decisions_of(s, facts->id);
        if (revision != facts->revision) {
            throw Error(errors::statement_stale, number);
        }
        check_decision(*facts, decisions, decision, reason, who);
        if (render_statement(trust_center_, *facts, decision, reason, who, issued_at) !=
            statement_text) {
            // Same revision, other hashes or wording: not what this back office issued.
            throw Error(errors::statement_invalid, number + ": statement differs");
        }
        const auto signer = operators::check_operator_signature(s, who.name, statement_text, cms,
                                                                errors::signature_invalid, now);
        const std::string statement_sha256 =
            encoding::hex(ossl::sha256(ossl::as_bytes(statement_text)));
        const std::string cms_base64 = encoding::to_base64(
            std::string(reinterpret_cast<const char*>(cms.data()), cms.size()));
        const long long at = now;
        try {
            s << "INSERT INTO order_decisions (order_id, decision, operator_name, "
                 "certificate_serial, revision, statement, statement_sha256, signature, "
                 "decided_at) VALUES (:order, :decision, :operator, :serial, :revision, "
                 ":statement, :sha, :signature, :at)",
                soci::use(facts->id), soci::use(decision_text), soci::use(who.name),
                soci::use(signer.certificate_serial), soci::use(facts->revision),
                soci::use(statement_text), soci::use(statement_sha256), soci::use(cms_base64),
                soci::use(at);
        } catch (const soci::soci_error& e) {
            // Another instance stored this operator's decision on this revision meanwhile.
            throw Error(errors::same_approver, e.what());
        }
        DecisionOutcome outcome;
        outcome.approvals =
            valid_approvals(decisions, facts->revision) + (decision == Decision::approve ? 1 : 0);
        outcome.state = *orders::order_state_from(facts->state);
        audit::append(s, dialect, who.actor(), "order.decision." + decision_text, number,
                      json{{"revision", facts->revision},
                           {"statement_sha256", statement_sha256},
                           {"signature_sha256", encoding::hex(ossl::sha256(cms))},
                           {"certificate_serial", signer.certificate_serial},
                           {"approvals", outcome.approvals}}
                          .dump());
        if (decision == Decision::reject) {
            orders::apply_transition(s, dialect,
                                     {number, &orders::rule_of(orders::OrderStep::reject),
                                      who.actor(), orders::trimmed(reason), now, std::nullopt});
            outcome.state = OrderState::rejected;
        } else if (outcome.approvals >= approvals_needed) {
            std::string first;
            for (const auto& d : decisions) {
                if (d.decision == Decision::approve && !d.voided_at &&
                    d.revision == facts->revision) {
                    first = d.operator_name;
                }
            }
            orders::apply_transition(
                s, dialect,
                {number, &orders::rule_of(orders::OrderStep::approve), who.actor(),
                 "second approval (first: operator:" + first + ")", now, std::nullopt});
            outcome.state = OrderState::approved;
        }
        spdlog::info("order {}: {} by {} ({} of {} approvals)", number, decision_text, who.name,
                     outcome.approvals, approvals_needed);
        return outcome;
    });
}

ApprovalStatus Approvals::status(const std::string& order_number) const {
    return db_.with_session([&](soci::session& s) {
        const auto facts = facts_of(s, order_number);
        if (!facts) {
            throw Error(orders::errors::unknown, order_number);
        }
        ApprovalStatus status;
        status.order_number = order_number;
        status.kind = orders::order_kind_from(facts->kind).value_or(orders::OrderKind::follow_up);
        status.state = *orders::order_state_from(facts->state);
        status.revision = facts->revision;
        status.entered_by = facts->entered_by;
        status.identified_by = facts->identified_by;
        status.decisions = decisions_of(s, facts->id);
        return status;
    });
}

int Approvals::change_order_data(const std::string& order_number, const orders::OrderData& data,
                                 const std::string& reason, const operators::Operator& who,
                                 std::int64_t now) {
    if (!who.has(operators::Role::registration_officer) && !who.has(operators::Role::approver)) {
        throw Error(operators::errors::role_required, who.name + " may not change orders");
    }
    if (orders::trimmed(reason).empty()) {
        throw Error(errors::change_reason_missing, order_number);
    }
    if (reason.size() > kReasonMaxBytes || !text::is_readable(reason, text::Lines::single)) {
        throw Error(errors::reason_unreadable, order_number);
    }
    const auto normalised = orders::normalise(data);
    return db_.in_transaction([&](soci::session& s) {
        lock_order(s, order_number);
        const auto facts = facts_of(s, order_number);
        if (!facts) {
            throw Error(orders::errors::unknown, order_number);
        }
        const auto state = orders::order_state_from(facts->state);
        if (!state || !orders::allows(orders::rule_of(orders::OrderStep::reject), *state) ||
            *state == OrderState::approved) {
            throw Error(errors::change_not_allowed, order_number + " is " + facts->state);
        }
        auto before = orders::order_data_from_json(json::parse(facts->order_data));
        // The declarations are the holder's; an operator changes contact and addresses only.
        auto changed = normalised;
        changed.name_and_attributes_unchanged = before.name_and_attributes_unchanged;
        changed.terms_accepted = before.terms_accepted;
        if (const auto problems = orders::validate_contact_and_addresses(changed);
            !problems.empty()) {
            throw orders::InvalidOrderData(problems);
        }
        const json before_json = before;
        const json after_json = changed;
        if (before_json == after_json) {
            return 0;
        }
        std::vector<std::string> fields;
        for (const auto& [group, value] : after_json.items()) {
            if (!value.is_object()) {
                continue;
            }
            for (const auto& [name, field] : value.items()) {
                if (before_json.value(group, json::object()).value(name, json()) != field) {
                    fields.push_back(group + "." + name);
                }
            }
        }
        const std::string text = after_json.dump();
        const long long at = now;
        const int next = facts->revision + 1;
        s << "UPDATE orders SET order_data = :data, revision = :revision, updated_at = :at WHERE "
             "id = :id",
            soci::use(text), soci::use(next), soci::use(at), soci::use(facts->id);
        const std::string actor = who.actor();
        soci::statement void_them =
            (s.prepare << "UPDATE order_decisions SET voided_at = :at, voided_by = :actor WHERE "
                          "order_id = :id AND decision = 'approve' AND voided_at IS NULL",
             soci::use(at), soci::use(actor), soci::use(facts->id));
        void_them.execute(true);
        const int voided = static_cast<int>(void_them.get_affected_rows());
        // Field names only: the values are personal data and stay in the order.
        audit::append(s, db_.dialect(), actor, "order.changed", order_number,
                      json{{"fields", fields},
                           {"revision", next},
                           {"approvals_voided", voided},
                           {"reason", orders::trimmed(reason)}}
                          .dump());
        return voided;
    });
}

}  // namespace sigcard::backoffice
