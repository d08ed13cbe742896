#include "identification/postident_results.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_errors.hpp"
#include "orders/sql_order_store.hpp"
#include "text/readable_text.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sigcard::identification {

namespace {

using nlohmann::json;
using orders::OrderState;
using orders::OrderStep;

constexpr const char* kActor = "postident";

std::string seal_context(const std::string& sha256) { return "postident-result:" + sha256; }

std::string_view verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::accepted:
            return "accepted";
        case Verdict::review:
            return "review";
        case Verdict::declined:
            return "declined";
        case Verdict::waiting:
            return "waiting";
    }
    return "";
}

// Who the post office identified: the document number and the names of the last successful
// identification, normalised; empty when none succeeded.
std::string identity_of(const PostIdentCase& c) {
    for (auto id = c.identifications.rbegin(); id != c.identifications.rend(); ++id) {
        if (id->status == "success" && id->document) {
            const auto& d = *id->document;
            try {
                return text::normalized(d.number.value + "|" + d.last_name.value + "|" +
                                        d.first_name.value);
            } catch (const std::invalid_argument&) {
                return d.number.value + "|" + d.last_name.value + "|" + d.first_name.value;
            }
        }
    }
    return {};
}

struct OrderOfReference {
    long long id = 0;
    std::string number;
    OrderState state = OrderState::awaiting_identification;
    new_order::Application application;
};

std::optional<OrderOfReference> order_of(soci::session& s, const std::string& reference) {
    OrderOfReference found;
    std::string state;
    std::string document;
    s << "SELECT o.id, o.order_number, o.state, a.document FROM new_order_applications a JOIN "
         "orders o ON o.id = a.order_id WHERE a.postident_reference = :reference",
        soci::use(reference), soci::into(found.id), soci::into(found.number), soci::into(state),
        soci::into(document);
    if (!s.got_data()) {
        return std::nullopt;
    }
    found.state = orders::order_state_from(state).value_or(OrderState::cancelled);
    found.application = new_order::application_from_json(json::parse(document).at("application"));
    return found;
}

// The identities of the results accepted for an order before (to find a conflicting second one).
std::vector<std::string> accepted_identities(soci::session& s, const new_order::DataKey& key,
                                             long long order_id) {
    std::vector<std::string> identities;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT content_sha256, sealed FROM postident_results WHERE order_id = :id "
                      "AND verdict = 'accepted'",
         soci::use(order_id));
    for (const auto& row : rows) {
        const auto plain = key.open(encoding::from_base64(row.get<std::string>(1)),
                                    seal_context(row.get<std::string>(0)));
        identities.push_back(identity_of(parse_postident_case(plain)));
    }
    return identities;
}

Outcome outcome_of(Verdict verdict) {
    switch (verdict) {
        case Verdict::accepted:
            return Outcome::identified;
        case Verdict::declined:
            return Outcome::declined;
        case Verdict::review:
            return Outcome::in_review;
        case Verdict::waiting:
            return Outcome::waiting;
    }
    return Outcome::waiting;
}

}  // namespace

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::identified:
            return "identified";
        case Outcome::in_review:
            return "in_review";
        case Outcome::declined:
            return "declined";
        case Outcome::waiting:
            return "waiting";
        case Outcome::duplicate:
            return "duplicate";
        case Outcome::unmatched:
            return "unmatched";
        case Outcome::order_closed:
            return "order_closed";
        case Outcome::confirmed:
            return "confirmed";
    }
    return "";
}

std::vector<ImportedResult> PostIdentResults::import(std::vector<ResultDocument> documents,
                                                     std::int64_t now) {
    return import(
        [&](const std::function<void(ResultDocument)>& take) {
            for (auto& document : documents) {
                take(std::move(document));
            }
        },
        now);
}

std::vector<ImportedResult> PostIdentResults::import(const ResultSource& source,
                                                     std::int64_t now) {
    const AssessmentRules rules{context_.config.new_order.postident_billing_number,
                                context_.config.new_order.min_id_validity_days, iso_date(now)};
    const auto dialect = context_.db.dialect();
    return context_.db.in_transaction([&](soci::session& s) {
        std::vector<ImportedResult> report;
        source([&](ResultDocument document) {
            const auto root = json::parse(document.content, nullptr, false);
            PostIdentCase c;
            try {
                c = postident_case_from(root);
            } catch (const Error& e) {
                throw Error(errors::malformed_result, document.name + ": " + e.detail());
            }
            ImportedResult result{document.name, c.case_id, c.reference_id, "", Outcome::waiting,
                                  {}};
            // The canonical form (members sorted, no spaces): the same case sent again, however
            // it was formatted, is recognised.
            const std::string canonical = root.dump();
            const std::string sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(canonical)));
            long long known = 0;
            s << "SELECT COUNT(*) FROM postident_results WHERE content_sha256 = :sha",
                soci::use(sha256), soci::into(known);
            if (known > 0) {
                result.outcome = Outcome::duplicate;
                report.push_back(std::move(result));
                return;
            }
            const auto order = order_of(s, c.reference_id);
            Assessment assessment;
            std::string verdict = "unmatched";
            std::string review_state;
            std::optional<OrderStep> step;
            if (!order) {
                result.outcome = Outcome::unmatched;
            } else {
                result.order_number = order->number;
                assessment = assess(c, order->application, rules);
                const auto identity = identity_of(c);
                const auto earlier = accepted_identities(s, context_.data_key, order->id);
                const bool conflicts =
                    assessment.verdict != Verdict::waiting &&
                    std::any_of(earlier.begin(), earlier.end(),
                                [&](const std::string& e) { return e != identity; });
                if (conflicts) {
                    assessment.reasons.push_back("conflicting_results");
                    if (assessment.verdict == Verdict::accepted) {
                        assessment.verdict = Verdict::review;
                    }
                }
                verdict = verdict_name(assessment.verdict);
                result.outcome = outcome_of(assessment.verdict);
                const bool needs_person = assessment.verdict == Verdict::review ||
                                          assessment.verdict == Verdict::declined;
                switch (order->state) {
                    case OrderState::awaiting_identification:
                        if (assessment.verdict == Verdict::accepted) {
                            step = OrderStep::identify;
                        } else if (needs_person) {
                            step = OrderStep::refer_for_review;
                        }
                        break;
                    case OrderState::in_review:
                        // The reviewer sees every result that came meanwhile.
                        if (assessment.verdict != Verdict::waiting) {
                            result.outcome = assessment.verdict == Verdict::declined
                                                 ? Outcome::declined
                                                 : Outcome::in_review;
                            review_state = "open";
                        }
                        break;
                    case OrderState::identified:
                        if (needs_person) {
                            step = OrderStep::refer_for_review;
                        } else if (assessment.verdict == Verdict::accepted) {
                            result.outcome = Outcome::confirmed;
                        }
                        break;
                    default:
                        result.outcome = Outcome::order_closed;
                        break;
                }
                if (step == OrderStep::refer_for_review) {
                    review_state = "open";
                }
            }
            result.reasons = assessment.reasons;
            const std::string sealed = encoding::to_base64(
                context_.data_key.seal(canonical, seal_context(sha256)));
            const std::string reasons = json(assessment.reasons).dump();
            const long long at = now;
            soci::indicator order_indicator = order ? soci::i_ok : soci::i_null;
            const long long order_id = order ? order->id : 0;
            s << "INSERT INTO postident_results (case_id, reference_id, order_id, content_sha256, "
                 "sealed, verdict, reasons, declined_reason, source, received_at, review_state) "
                 "VALUES (:case_id, :reference, :order_id, :sha, :sealed, :verdict, :reasons, "
                 ":declined, :source, :at, :review)",
                soci::use(c.case_id), soci::use(c.reference_id),
                soci::use(order_id, order_indicator), soci::use(sha256), soci::use(sealed),
                soci::use(verdict), soci::use(reasons), soci::use(assessment.declined_reason),
                soci::use(document.name), soci::use(at), soci::use(review_state);
            audit::append(s, dialect, kActor, "postident.result",
                          order ? order->number : c.reference_id,
                          json{{"case_id", c.case_id},
                               {"reference", c.reference_id},
                               {"verdict", verdict},
                               {"reasons", assessment.reasons},
                               {"outcome", to_string(result.outcome)},
                               {"content_sha256", sha256}}
                              .dump());
            if (step) {
                orders::apply_transition(
                    s, dialect,
                    {order->number, &orders::rule_of(*step), kActor,
                     "PostIdent case " + c.case_id + ": " + verdict, now, std::nullopt});
            }
            spdlog::debug("PostIdent case {} ({}): {}", c.case_id, document.name,
                          to_string(result.outcome));
            report.push_back(std::move(result));
        });
        spdlog::info("PostIdent import: {} result(s) taken in", report.size());
        return report;
    });
}

std::vector<ReviewItem> PostIdentResults::review_queue(std::int64_t now) const {
    const AssessmentRules rules{context_.config.new_order.postident_billing_number,
                                context_.config.new_order.min_id_validity_days, iso_date(now)};
    std::vector<ReviewItem> queue;
    context_.db.with_session([&](soci::session& s) {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT r.id, o.order_number, r.case_id, r.reference_id, r.verdict, "
                          "r.reasons, r.declined_reason, r.received_at, r.content_sha256, "
                          "r.sealed, a.document FROM postident_results r JOIN orders o ON o.id = "
                          "r.order_id JOIN new_order_applications a ON a.order_id = o.id WHERE "
                          "r.review_state = 'open' ORDER BY r.received_at, r.id");
        for (const auto& row : rows) {
            ReviewItem item;
            item.result_id = storage::row_int64(row, 0);
            item.order_number = row.get<std::string>(1);
            item.case_id = row.get<std::string>(2);
            item.reference = row.get<std::string>(3);
            item.verdict = row.get<std::string>(4);
            item.reasons = json::parse(row.get<std::string>(5)).get<std::vector<std::string>>();
            item.declined_reason = row.get<std::string>(6);
            item.received_at = storage::row_int64(row, 7);
            const auto plain =
                context_.data_key.open(encoding::from_base64(row.get<std::string>(9)),
                                       seal_context(row.get<std::string>(8)));
            const auto application = new_order::application_from_json(
                json::parse(row.get<std::string>(10)).at("application"));
            item.comparisons = assess(parse_postident_case(plain), application, rules).comparisons;
            queue.push_back(std::move(item));
        }
    });
    return queue;
}

std::vector<UnmatchedResult> PostIdentResults::unmatched() const {
    std::vector<UnmatchedResult> out;
    context_.db.with_session([&](soci::session& s) {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, case_id, reference_id, source, received_at FROM "
                          "postident_results WHERE order_id IS NULL ORDER BY received_at, id");
        for (const auto& row : rows) {
            out.push_back({storage::row_int64(row, 0), row.get<std::string>(1),
                           row.get<std::string>(2), row.get<std::string>(3),
                           storage::row_int64(row, 4)});
        }
    });
    return out;
}

void PostIdentResults::decide(const std::string& order_number, ReviewDecision decision,
                              const std::string& actor, const std::string& reason,
                              std::int64_t now) {
    if (decision == ReviewDecision::reject && reason.empty()) {
        throw Error(errors::review_reason_missing);
    }
    const auto dialect = context_.db.dialect();
    context_.db.in_transaction([&](soci::session& s) {
        long long open = 0;
        s << "SELECT COUNT(*) FROM postident_results r JOIN orders o ON o.id = r.order_id WHERE "
             "o.order_number = :number AND r.review_state = 'open'",
            soci::use(order_number), soci::into(open);
        if (open == 0) {
            throw Error(errors::review_not_open, order_number);
        }
        const OrderStep step = decision == ReviewDecision::identify ? OrderStep::identify
                               : decision == ReviewDecision::identify_again
                                   ? OrderStep::identify_again
                                   : OrderStep::reject;
        const std::string state = decision == ReviewDecision::identify         ? "identified"
                                  : decision == ReviewDecision::identify_again ? "identify_again"
                                                                               : "rejected";
        orders::apply_transition(
            s, dialect,
            {order_number, &orders::rule_of(step), actor,
             reason.empty() ? "PostIdent result reviewed" : reason, now, std::nullopt});
        const long long at = now;
        s << "UPDATE postident_results SET review_state = :state, reviewed_by = :actor, "
             "reviewed_at = :at WHERE review_state = 'open' AND order_id = (SELECT id FROM "
             "orders WHERE order_number = :number)",
            soci::use(state), soci::use(actor), soci::use(at), soci::use(order_number);
        audit::append(s, dialect, actor, "postident.review", order_number,
                      json{{"decision", state}, {"reason", reason}}.dump());
    });
}

std::optional<std::string> PostIdentResults::declined_reason(
    const std::string& order_number) const {
    return context_.db.with_session([&](soci::session& s) -> std::optional<std::string> {
        std::string reason;
        s << "SELECT r.declined_reason FROM postident_results r JOIN orders o ON o.id = "
             "r.order_id WHERE o.order_number = :number AND r.verdict = 'declined' ORDER BY r.id "
             "DESC LIMIT 1",
            soci::use(order_number), soci::into(reason);
        return s.got_data() ? std::optional(reason) : std::nullopt;
    });
}

}  // namespace sigcard::identification
