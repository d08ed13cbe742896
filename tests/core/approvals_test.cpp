// Four-eyes approval with statements signed by the operators' cards (software keys of certificates
// this test trust center issued), the voiding of approvals by a change, and the work queues with
// claims and search — each refusal with its code and nothing stored.
#include "backoffice/approvals.hpp"
#include "backoffice/work_queues.hpp"

#include "audit/audit_log.hpp"
#include "core/pki_fixture.hpp"
#include "encoding/encoding.hpp"
#include "new_order/new_orders.hpp"
#include "operators/operator_register.hpp"
#include "orders/order_book.hpp"
#include "orders/sql_order_store.hpp"
#include "orders/terms.hpp"
#include "pki/revocation.hpp"
#include "signature/cades.hpp"
#include "support/error_id.hpp"
#include "support/new_order_application.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

namespace sigcard::backoffice {
namespace {

using ::sigcard::testing::error_id;
using operators::Role;
using orders::OrderState;
constexpr std::int64_t kDay = 86400;

struct OperatorCard {
    operators::Operator who;
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr certificate;
};

// On PostgreSQL an empty schema of this process's own (ctest runs the tests side by side), when
// the test's parameter asks for it and scripts/test started the cluster (SetUp fails or skips
// otherwise); SQLite when it does not. Dropped again when the test ends.
std::string schema_name() { return "approvals_test_" + std::to_string(::getpid()); }

std::string database_for(const std::string& kind) {
    const char* conninfo = std::getenv("SIGCARD_TEST_POSTGRESQL");
    if (kind != "postgresql" || conninfo == nullptr) {
        return "";
    }
    return ::sigcard::testing::fresh_postgresql_schema(conninfo, schema_name());
}

// Every test on SQLite and on PostgreSQL.
class ApprovalsTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql") {
            SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
            (void)conninfo;
        }
    }
    void TearDown() override {
        const char* conninfo = std::getenv("SIGCARD_TEST_POSTGRESQL");
        if (GetParam() == "postgresql" && conninfo != nullptr) {
            ::sigcard::testing::drop_postgresql_schema(conninfo, schema_name());
        }
    }

    ApprovalsTest() {
        terms.publish("AGB Version 1", "2026-01", now - kDay, "operator:test");
        add_operator("anna", {Role::approver});
        add_operator("bernd", {Role::approver});
        add_operator("clara", {Role::registration_officer, Role::approver});
        add_operator("dirk", {Role::production});
    }

    void add_operator(const std::string& name, std::vector<Role> roles) {
        OperatorCard card;
        auto profile = pki::testing::lawyer();
        profile.given_name = name;
        profile.serial_number = "OP-" + name;
        card.certificate = tc.ca.issue_qualified(
            tc.issuer(), card.key.public_key(), profile,
            pki::Validity{pki::Seconds(std::chrono::seconds(now - kDay)),
                          pki::Seconds(std::chrono::seconds(now + 700 * kDay))});
        card.who = operators::OperatorRegister(tc.db).add(
            {name, name + " Operator", ossl::serial_hex(card.certificate.get()), std::move(roles), ""},
            "operator:test", now);
        cards.emplace(name, std::move(card));
    }

    const operators::Operator& op(const std::string& name) { return cards.at(name).who; }

    // An order placed online and identified by clara (as her review of its PostIdent result).
    std::string identified_order(const std::string& surname = "Mustermann") {
        auto application = testing::valid_application();
        application.person.surname = surname;
        const auto placed = intake.submit(
            {application, {}, Secret("Sperre-2026!"), Secret("Sperre-2026!"), ""}, now);
        store.apply({placed.order_number, &orders::rule_of(orders::OrderStep::identify),
                     "operator:clara", "identified in review", now, std::nullopt});
        return placed.order_number;
    }

    ossl::Bytes sign_as(const std::string& name, const std::string& text) {
        auto& card = cards.at(name);
        return signature::create_cades(card.key, card.certificate.get(), ossl::as_bytes(text));
    }

    DecisionOutcome approve(const std::string& order, const std::string& name,
                            std::int64_t at = 0) {
        const auto when = at ? at : now;
        const auto statement = approvals.statement(order, Decision::approve, "", op(name), when);
        return approvals.decide(statement.text, sign_as(name, statement.text), op(name), when);
    }

    long long count(const std::string& table) {
        long long n = 0;
        tc.db.with_session([&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table, soci::into(n); });
        return n;
    }

    OrderState state(const std::string& order) { return book.find(order)->state; }

    config::TrustCenterConfig config = pki::testing::test_config();
    pki::testing::TrustCenter tc{config, 2, database_for(GetParam())};
    std::int64_t now = 1'796'000'000;
    orders::TermsCatalogue terms{tc.db};
    orders::SqlOrderStore store{tc.db};
    orders::OrderBook book{store};
    new_order::DataKey key = new_order::DataKey::load_or_create(tc.dir.path() / "keys" / "data.key");
    new_order::NewOrders intake{{config, tc.db, book, key}};
    Approvals approvals{tc.db, config.name};
    WorkQueues queues{tc.db};
    std::map<std::string, OperatorCard> cards;
};

TEST_P(ApprovalsTest, TwoDifferentApproversApproveAndEachDecisionIsASignedStatement) {
    const auto order = identified_order();
    const auto first = approve(order, "anna");
    EXPECT_EQ(first.approvals, 1);
    EXPECT_EQ(state(order), OrderState::identified);  // one approval is not enough
    const auto second = approve(order, "bernd", now + 60);
    EXPECT_EQ(second.approvals, 2);
    EXPECT_EQ(second.state, OrderState::approved);
    EXPECT_EQ(state(order), OrderState::approved);

    const auto status = approvals.status(order);
    ASSERT_EQ(status.decisions.size(), 2u);
    for (const auto& d : status.decisions) {
        // The stored statement names the order's document and the operator, and the stored
        // signature verifies over exactly it.
        const auto statement = nlohmann::json::parse(d.statement);
        EXPECT_EQ(statement.at("order"), order);
        EXPECT_EQ(statement.at("operator"), d.operator_name);
        EXPECT_EQ(statement.at("order_document_sha256"), book.find(order)->document_sha256);
        const auto cms = encoding::from_base64(d.signature_base64);
        const auto verified = signature::verify_cades(ossl::as_bytes(d.statement),
                                                      ossl::as_bytes(cms));
        EXPECT_EQ(ossl::serial_hex(verified.signer_certificate.get()), d.certificate_serial);
    }
    const auto events = book.find(order)->events;
    EXPECT_EQ(events.back().to, OrderState::approved);
    EXPECT_EQ(events.back().actor, "operator:bernd");
    EXPECT_EQ(events.back().note, "second approval (first: operator:anna)");
    long long decisions_audited = 0;
    tc.db.with_session([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM audit_log WHERE action = 'order.decision.approve' AND subject = :o",
            soci::use(order), soci::into(decisions_audited);
    });
    EXPECT_EQ(decisions_audited, 2);
    EXPECT_TRUE(audit::verify(tc.db).intact);
}

TEST_P(ApprovalsTest, TheSameApproverIsRefusedAsSecondApproverAndNothingIsStored) {
    const auto order = identified_order();
    approve(order, "anna");
    // A statement signed anyway (made for another order, changed to this one) is refused as well.
    const auto early = approvals.statement(identified_order("Zweite"), Decision::approve, "",
                                           op("anna"), now);
    const auto before = count("order_decisions");
    const auto audit_before = count("audit_log");
    EXPECT_EQ(error_id([&] { approvals.statement(order, Decision::approve, "", op("anna"), now); }),
              "approval.same_operator");
    auto forged = nlohmann::json::parse(early.text);
    forged["order"] = order;
    const auto text = forged.dump(2);
    EXPECT_EQ(error_id([&] { approvals.decide(text, sign_as("anna", text), op("anna"), now); }),
              "approval.same_operator");
    EXPECT_EQ(count("order_decisions"), before);
    EXPECT_EQ(count("audit_log"), audit_before);
    EXPECT_EQ(state(order), OrderState::identified);
}

TEST_P(ApprovalsTest, TheOperatorWhoIdentifiedTheApplicantMayNotApprove) {
    const auto order = identified_order();
    EXPECT_EQ(error_id([&] { approvals.statement(order, Decision::approve, "", op("clara"), now); }),
              "approval.identified_by_you");
    // Signed with her card all the same: refused, nothing stored.
    const auto by_anna = approvals.statement(order, Decision::approve, "", op("anna"), now);
    auto as_clara = nlohmann::json::parse(by_anna.text);
    as_clara["operator"] = "clara";
    const auto text = as_clara.dump(2);
    EXPECT_EQ(error_id([&] { approvals.decide(text, sign_as("clara", text), op("clara"), now); }),
              "approval.identified_by_you");
    EXPECT_EQ(count("order_decisions"), 0);
    // She may still reject it (a rejection is not one of the two approvals).
    EXPECT_EQ(state(order), OrderState::identified);
}

TEST_P(ApprovalsTest, AnOperatorWithoutTheApproverRoleIsRefused) {
    const auto order = identified_order();
    EXPECT_EQ(error_id([&] { approvals.statement(order, Decision::approve, "", op("dirk"), now); }),
              "operator.role_required");
    const auto by_anna = approvals.statement(order, Decision::approve, "", op("anna"), now);
    auto as_dirk = nlohmann::json::parse(by_anna.text);
    as_dirk["operator"] = "dirk";
    const auto text = as_dirk.dump(2);
    EXPECT_EQ(error_id([&] { approvals.decide(text, sign_as("dirk", text), op("dirk"), now); }),
              "operator.role_required");
    EXPECT_EQ(count("order_decisions"), 0);
}

TEST_P(ApprovalsTest, AChangeAfterTheFirstApprovalVoidsIt) {
    const auto order = identified_order();
    approve(order, "anna");
    // bernd opened the order before the change and signs afterwards.
    const auto stale = approvals.statement(order, Decision::approve, "", op("bernd"), now + 10);
    auto data = book.find(order)->data;
    data.shipping.street = "Neue Straße 5";
    EXPECT_EQ(approvals.change_order_data(order, data, "Umzug, telefonisch mitgeteilt",
                                          op("clara"), now + 20),
              1);
    EXPECT_EQ(book.find(order)->data.shipping.street, "Neue Straße 5");
    const auto decisions = count("order_decisions");
    EXPECT_EQ(error_id([&] {
                  approvals.decide(stale.text, sign_as("bernd", stale.text), op("bernd"), now + 30);
              }),
              "approval.order_changed");
    EXPECT_EQ(count("order_decisions"), decisions);
    const auto status = approvals.status(order);
    EXPECT_EQ(status.revision, 1);
    EXPECT_EQ(status.approvals(), 0);
    ASSERT_TRUE(status.decisions.front().voided_at);
    // Two approvals of the changed order are needed again; anna may give one of them.
    EXPECT_EQ(approve(order, "bernd", now + 40).approvals, 1);
    EXPECT_EQ(state(order), OrderState::identified);
    EXPECT_EQ(approve(order, "anna", now + 50).state, OrderState::approved);
    // The same data again changes nothing; after approval nothing may change.
    EXPECT_EQ(error_id([&] {
                  approvals.change_order_data(order, data, "noch einmal", op("clara"), now + 60);
              }),
              "order.change_not_allowed");
}

TEST_P(ApprovalsTest, BadChangesAreRefusedAndChangeNothing) {
    const auto order = identified_order();
    approve(order, "anna");
    auto data = book.find(order)->data;
    const auto audit_before = count("audit_log");
    EXPECT_EQ(error_id([&] { approvals.change_order_data(order, data, "", op("clara"), now); }),
              "order.change_reason_missing");
    data.shipping.postal_code = "5114";
    EXPECT_EQ(error_id([&] { approvals.change_order_data(order, data, "Umzug", op("clara"), now); }),
              "order.invalid_input");
    data.shipping.postal_code = "51147";
    data.shipping.city = "Köln\u202e";
    EXPECT_EQ(error_id([&] { approvals.change_order_data(order, data, "Umzug", op("clara"), now); }),
              "order.invalid_input");
    EXPECT_EQ(error_id([&] { approvals.change_order_data(order, data, "Umzug", op("dirk"), now); }),
              "operator.role_required");
    EXPECT_EQ(approvals.status(order).approvals(), 1);
    EXPECT_EQ(approvals.status(order).revision, 0);
    EXPECT_EQ(count("audit_log"), audit_before);
    // Unchanged data is no change: the approval stands.
    EXPECT_EQ(approvals.change_order_data(order, book.find(order)->data, "Rückruf", op("clara"), now),
              0);
    EXPECT_EQ(approvals.status(order).approvals(), 1);
}

TEST_P(ApprovalsTest, ARejectionNeedsAReasonAndTellsIt) {
    const auto order = identified_order();
    EXPECT_EQ(error_id([&] { approvals.statement(order, Decision::reject, "  ", op("anna"), now); }),
              "approval.reason_missing");
    EXPECT_EQ(error_id([&] {
                  approvals.statement(order, Decision::reject, "Grund\u200b", op("anna"), now);
              }),
              "approval.reason_unreadable");
    const auto statement = approvals.statement(order, Decision::reject,
                                               "Zulassung nicht nachgewiesen", op("anna"), now);
    EXPECT_EQ(nlohmann::json::parse(statement.text).at("reason"), "Zulassung nicht nachgewiesen");
    EXPECT_EQ(approvals.decide(statement.text, sign_as("anna", statement.text), op("anna"), now).state,
              OrderState::rejected);
    const auto events = book.find(order)->events;
    EXPECT_EQ(events.back().to, OrderState::rejected);
    EXPECT_EQ(events.back().note, "Zulassung nicht nachgewiesen");
    EXPECT_EQ(error_id([&] { approvals.statement(order, Decision::approve, "", op("bernd"), now); }),
              "approval.not_awaiting");
}

TEST_P(ApprovalsTest, ForgedExpiredOrForeignSignaturesAreRefused) {
    const auto order = identified_order();
    const auto statement = approvals.statement(order, Decision::approve, "", op("anna"), now);
    // Another card than anna's registered one.
    EXPECT_EQ(error_id([&] {
                  approvals.decide(statement.text, sign_as("bernd", statement.text), op("anna"), now);
              }),
              "approval.signature_invalid");
    // Signed over other bytes.
    EXPECT_EQ(error_id([&] {
                  approvals.decide(statement.text, sign_as("anna", statement.text + " "), op("anna"),
                                   now);
              }),
              "approval.signature_invalid");
    // The statement's text changed after it was issued (a hash of other data).
    auto changed = nlohmann::json::parse(statement.text);
    changed["order_data_sha256"] = std::string(64, '0');
    const auto altered = changed.dump(2);
    EXPECT_EQ(error_id([&] { approvals.decide(altered, sign_as("anna", altered), op("anna"), now); }),
              "approval.statement_invalid");
    // Not JSON, another trust center, another operator's statement.
    EXPECT_EQ(error_id([&] { approvals.decide("approve", sign_as("anna", "approve"), op("anna"), now); }),
              "approval.statement_invalid");
    changed = nlohmann::json::parse(statement.text);
    changed["trust_center"] = "Other TC";
    EXPECT_EQ(error_id([&] {
                  approvals.decide(changed.dump(2), sign_as("anna", changed.dump(2)), op("anna"), now);
              }),
              "approval.statement_invalid");
    EXPECT_EQ(error_id([&] {
                  approvals.decide(statement.text, sign_as("bernd", statement.text), op("bernd"), now);
              }),
              "approval.statement_invalid");
    // Too late.
    EXPECT_EQ(error_id([&] {
                  approvals.decide(statement.text, sign_as("anna", statement.text), op("anna"),
                                   now + decision_lifetime + 1);
              }),
              "approval.expired");
    // A revoked operator card.
    pki::revoke(tc.store, ossl::serial_hex(cards.at("anna").certificate.get()),
                pki::RevocationReason::key_compromise, pki::Seconds(std::chrono::seconds(now)));
    EXPECT_EQ(error_id([&] {
                  approvals.decide(statement.text, sign_as("anna", statement.text), op("anna"), now);
              }),
              "approval.signature_invalid");
    EXPECT_EQ(count("order_decisions"), 0);
    EXPECT_EQ(state(order), OrderState::identified);
}

TEST_P(ApprovalsTest, QueuesListOldestFirstWithClaimsAndSearch) {
    const auto older = identified_order("Älter");
    now += 100;
    const auto newer = identified_order("Neuer");
    approve(newer, "anna");
    const auto counts = queues.counts(now);
    const auto approve_count = std::find_if(counts.begin(), counts.end(), [](const auto& c) {
        return c.queue == Queue::approve;
    });
    EXPECT_EQ(approve_count->items, 2);
    EXPECT_EQ(approve_count->oldest_since, now - 100);
    const auto items = queues.items(Queue::approve, now, 0, 50);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].order_number, older);
    EXPECT_EQ(items[0].holder, "Erika Maria Älter");
    EXPECT_EQ(items[1].approvals, 1);

    queues.claim(older, op("bernd"), now);
    queues.claim(older, op("bernd"), now);  // again: no change
    const auto audit_before = count("audit_log");
    EXPECT_EQ(error_id([&] { queues.claim(older, op("anna"), now); }), "queue.claimed");
    EXPECT_EQ(error_id([&] { queues.hand_back(older, op("anna"), now); }), "queue.not_yours");
    EXPECT_EQ(error_id([&] { queues.claim(older, op("dirk"), now); }), "queue.not_in_your_queues");
    EXPECT_EQ(error_id([&] { queues.claim("NA-0000-0000", op("anna"), now); }), "order.unknown");
    EXPECT_EQ(count("audit_log"), audit_before);
    EXPECT_EQ(queues.items(Queue::approve, now, 0, 50)[0].claimed_by, "bernd");
    queues.hand_back(older, op("bernd"), now);
    EXPECT_EQ(queues.items(Queue::approve, now, 0, 50)[0].claimed_by, "");
    // A claim ends when the order moves on.
    queues.claim(newer, op("bernd"), now);
    approve(newer, "bernd", now);
    EXPECT_EQ(count("order_claims"), 0);

    EXPECT_EQ(queues.search(older, 10).items.size(), 1u);
    EXPECT_EQ(queues.search("Älter", 10).items.size(), 1u);
    // Letters A–Z in any case; the shipping address names both applicants.
    EXPECT_EQ(queues.search("erika MUSTERMANN", 10).items.size(), 2u);
    EXPECT_EQ(queues.search("Neuer", 10).items.front().order_number, newer);
    EXPECT_EQ(queues.search("%", 10).items.size(), 0u);
    const auto sha = book.find(older)->document_sha256;
    const auto scanned = queues.search(older + " " + sha, 10);
    ASSERT_EQ(scanned.items.size(), 1u);
    EXPECT_EQ(scanned.scanned_form_matches, true);
    EXPECT_EQ(queues.search(older + " " + std::string(64, 'a'), 10).scanned_form_matches, false);
}

TEST_P(ApprovalsTest, TheDeadlinesQueueShowsCardsNotConfirmedBeforeTheirActivationCodeRunsOut) {
    const auto shipped = identified_order("Versandt");
    approve(shipped, "anna");
    approve(shipped, "bernd");
    store.apply({shipped, &orders::rule_of(orders::OrderStep::start_production), "operator:dirk",
                 "", now, std::nullopt});
    store.apply({shipped, &orders::rule_of(orders::OrderStep::ship), "operator:dirk", "", now,
                 std::nullopt});
    const long long deadline = now + 60 * kDay;
    tc.db.with_session([&](soci::session& s) {
        s << "INSERT INTO activation_codes (order_id, code_hash, deadline, created_at) SELECT id, "
             "'x', :deadline, :now FROM orders WHERE order_number = :n",
            soci::use(deadline), soci::use(now), soci::use(shipped);
    });
    const auto deadlines_count = [&](std::int64_t at) {
        for (const auto& c : queues.counts(at)) {
            if (c.queue == Queue::deadlines) {
                return c.items;
            }
        }
        return std::int64_t(-1);
    };
    // Far from the deadline: not listed; within the queue's days of it: listed as an activation.
    EXPECT_EQ(deadlines_count(now), 0);
    EXPECT_TRUE(queues.items(Queue::deadlines, now, 0, 50).empty());
    const auto soon = deadline - 3 * kDay;
    EXPECT_EQ(deadlines_count(soon), 1);
    const auto items = queues.items(Queue::deadlines, soon, 0, 50);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].order_number, shipped);
    EXPECT_EQ(items[0].deadline_kind, "activation");
    EXPECT_EQ(items[0].deadline, deadline);
    // Confirmed: gone from the deadlines.
    tc.db.with_session([&](soci::session& s) {
        s << "UPDATE activation_codes SET used_at = :now", soci::use(soon);
    });
    EXPECT_EQ(deadlines_count(soon), 0);
}

// Two approvers signing at the same moment on two connections (two back-office instances): both
// decisions stored, and the order approved once — by whichever came second.
TEST_P(ApprovalsTest, TwoApproversAtTheSameMomentApproveTheOrderOnce) {
    for (int round = 0; round < 5; ++round) {
        const auto order = identified_order("Gleichzeitig" + std::to_string(round));
        std::vector<std::pair<std::string, std::string>> signed_statements;
        for (const auto* name : {"anna", "bernd"}) {
            const auto statement =
                approvals.statement(order, Decision::approve, "", op(name), now);
            const auto cms = sign_as(name, statement.text);
            signed_statements.emplace_back(statement.text, std::string(cms.begin(), cms.end()));
        }
        std::vector<std::thread> approvers;
        std::atomic<int> refused{0};
        for (std::size_t i = 0; i < 2; ++i) {
            approvers.emplace_back([&, i] {
                const auto& [text, cms] = signed_statements[i];
                try {
                    approvals.decide(text, ossl::as_bytes(cms), op(i == 0 ? "anna" : "bernd"), now);
                } catch (const Error&) {
                    ++refused;
                }
            });
        }
        for (auto& t : approvers) {
            t.join();
        }
        EXPECT_EQ(refused.load(), 0) << order;
        EXPECT_EQ(state(order), OrderState::approved) << order;
        EXPECT_EQ(approvals.status(order).approvals(), 2) << order;
        long long approve_steps = 0;
        tc.db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE "
                 "o.order_number = :n AND e.to_state = 'approved'",
                soci::use(order), soci::into(approve_steps);
        });
        EXPECT_EQ(approve_steps, 1) << order;
    }
}

INSTANTIATE_TEST_SUITE_P(Databases, ApprovalsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sigcard::backoffice
