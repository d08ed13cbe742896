// Retention by record class: the personal data of orders that ended without a card goes on the
// days of [retention], class by class, the identified order's signed application stays for its
// own period, a finished order keeps everything until its certificate expired and the years
// passed, an order under way keeps everything; each deletion once, audited, the chain intact —
// on SQLite and on PostgreSQL (scripts/test starts it).
#include "retention/retention.hpp"

#include "audit/audit_log.hpp"
#include "cards/card_register.hpp"
#include "identification/postident_results.hpp"
#include "new_order/new_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/sql_order_store.hpp"
#include "orders/terms.hpp"
#include "pki_fixture.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <set>

namespace sigcard::retention {
namespace {

constexpr std::int64_t kDay = 86400;

long long count(storage::Database& db, const std::string& table, const std::string& where) {
    long long n = 0;
    db.with_session(
        [&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table + " WHERE " + where, soci::into(n); });
    return n;
}

// One trust center's orders on `db`: ended ones (rejected after identification, cancelled,
// expired), one under way, one finished with a card, and a PostIdent result of a stranger.
void check_retention(storage::Database& db) {
    db.migrate();
    auto config = pki::testing::test_config();
    const std::int64_t now = 1'796'000'000;  // 2026-11-30
    const auto since = pki::Seconds(std::chrono::seconds(now - 400 * kDay));
    pki::CertificateStore certificates(db);
    pki::CertificateAuthority ca(config, &certificates);
    auto root_key = crypto::SoftwareSigner::generate_ec();
    auto issuing_key = crypto::SoftwareSigner::generate_ec();
    const auto root = ca.create_root(root_key, {since, since + std::chrono::days(7000)});
    const auto issuing = ca.create_issuing_ca({root.get(), root_key}, issuing_key.public_key(),
                                              {since, since + std::chrono::days(3000)});
    orders::TermsCatalogue(db).publish("AGB", "2026-01", now - kDay, "operator:test");
    orders::SqlOrderStore store(db);
    orders::OrderBook book(store);
    testing::TempDir keys("sigcard-retention-keys");
    const auto key = new_order::DataKey::load_or_create(keys.path() / "data.key");
    new_order::NewOrders intake({config, db, book, key});
    identification::PostIdentResults postident({config, db, key});

    auto place = [&](std::string email, std::int64_t at = 1'796'000'000) {
        new_order::SubmittedApplication s;
        s.application = testing::valid_application();
        s.application.order.contact.email = email;
        s.application.certificate.profession = new_order::Profession{"Rechtsanwältin", "RAK Köln", {}};
        s.uploads.push_back({"profession", testing::plain_pdf()});
        s.revocation_password = Secret("Sperre-2026!");
        s.revocation_password_repeat = Secret("Sperre-2026!");
        return intake.submit(std::move(s), at).order_number;
    };
    auto identify = [&](const std::string& number) {
        const auto reference = intake.find(number)->postident_reference;
        postident.import({{number + ".json", testing::FakePostOffice::success(
                                                 reference, testing::valid_application(),
                                                 config.new_order.postident_billing_number)
                                                 .dump()}},
                         now);
        ASSERT_EQ(book.find(number)->state, orders::OrderState::identified);
    };
    auto step = [&](const std::string& number, orders::OrderStep s, std::int64_t at,
                    std::optional<std::int64_t> card = std::nullopt) {
        store.apply({number, &orders::rule_of(s), "operator:test", "reason given", at, card});
    };

    const auto rejected = place("rejected@example.org");
    identify(rejected);
    step(rejected, orders::OrderStep::reject, now);
    const auto cancelled = place("cancelled@example.org");
    intake.cancel_by_applicant(cancelled, now);
    const auto expired = place("expired@example.org");
    const auto under_way = place("open@example.org", now + 10 * kDay);
    const auto finished = place("finished@example.org");
    identify(finished);
    step(finished, orders::OrderStep::approve, now);
    step(finished, orders::OrderStep::start_production, now);
    // The finished order's card: a certificate that expires 100 days from now.
    auto holder_key = crypto::SoftwareSigner::generate_ec();
    const auto certificate =
        ca.issue_qualified({issuing.get(), issuing_key}, holder_key.public_key(),
                           pki::testing::lawyer(),
                           pki::Validity{pki::Seconds(std::chrono::seconds(now - kDay)),
                                         pki::Seconds(std::chrono::seconds(now + 100 * kDay))});
    const auto card_id = db.in_transaction([&](soci::session& s) {
        cards::CardEntry card;
        card.card_serial = "RETENTION-1";
        card.token_label = "SigCard";
        card.certificate_serial = ossl::serial_hex(certificate.get());
        card.produced_at = now;
        card.identified_at = now;
        return cards::CardRegister::add(s, card);
    });
    store.attach_new_card(finished, card_id);
    step(finished, orders::OrderStep::ship, now, card_id);
    step(finished, orders::OrderStep::activate, now);
    // The identification deadline passes for the one never identified (the one under way was
    // placed later).
    ASSERT_EQ(intake.expire_overdue(now + config.new_order.identification_valid_days * kDay + 1),
              std::vector<std::string>{expired});
    // A stranger's result: no order has its reference.
    auto stranger = testing::FakePostOffice::success("SCZZZZZZZZZZ", testing::valid_application(),
                                                     config.new_order.postident_billing_number);
    stranger["caseId"] = "CASE-STRANGER";
    postident.import({{"stranger.json", stranger.dump()}}, now);
    ASSERT_EQ(count(db, "postident_results", "order_id IS NULL AND sealed <> ''"), 1);

    RecordKeeper keeper(db, config.retention);
    const auto audit_before = count(db, "audit_log", "action = 'retention.deleted'");
    const auto proofs_of = [&](const std::string& number) {
        return count(db, "order_proofs p JOIN orders o ON o.id = p.order_id",
                     "o.order_number = '" + number + "'");
    };
    const auto email_of = [&](const std::string& number) {
        return intake.find(number)->order.data.contact.email;
    };

    // Within every period: nothing goes.
    EXPECT_TRUE(keeper.delete_due(now + 29 * kDay).empty());
    EXPECT_EQ(proofs_of(rejected), 1);

    // After 30 days the ended orders' proofs go (proofs: 30 days); nothing else.
    auto deleted = keeper.delete_due(now + 31 * kDay + config.new_order.identification_valid_days * kDay);
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& d : deleted) {
        got.emplace(d.subject, d.record_class);
        EXPECT_EQ(d.reason, "ended");
    }
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{
                       {rejected, "proofs"}, {cancelled, "proofs"}, {expired, "proofs"}}));
    EXPECT_EQ(proofs_of(rejected) + proofs_of(cancelled) + proofs_of(expired), 0);
    EXPECT_EQ(proofs_of(under_way), 1);
    EXPECT_EQ(proofs_of(finished), 1);
    EXPECT_EQ(email_of(rejected), "rejected@example.org");

    // After 90 days: entered data, PostIdent results, mails, identification of the ended orders,
    // and the stranger's result.
    const auto t90 = now + 91 * kDay + config.new_order.identification_valid_days * kDay;
    deleted = keeper.delete_due(t90);
    got.clear();
    for (const auto& d : deleted) {
        got.emplace(d.subject, d.record_class);
    }
    for (const auto& number : {rejected, cancelled, expired}) {
        for (const auto* c : {"entered_data", "postident_results", "mails", "identification"}) {
            EXPECT_TRUE(got.contains({number, c})) << number << " " << c;
        }
        EXPECT_EQ(email_of(number), "") << number;
        EXPECT_EQ(count(db, "new_order_applications a JOIN orders o ON o.id = a.order_id",
                        "o.order_number = '" + number + "' AND a.revocation_password_hash = ''"),
                  1);
    }
    EXPECT_TRUE(got.contains({"postident:CASE-STRANGER", "postident_results"}));
    EXPECT_EQ(got.size(), 13u);
    EXPECT_EQ(count(db, "postident_results", "sealed <> ''"), 1);  // the finished order's
    // The applications never identified were never signed: their persons are gone; the rejected
    // one was identified — its application is the signed order and stays for its period.
    EXPECT_EQ(intake.find(cancelled)->application.person.surname, "");
    EXPECT_EQ(intake.find(expired)->application.person.surname, "");
    EXPECT_EQ(intake.find(rejected)->application.person.surname, "Mustermann");
    // The order under way and the finished one keep everything.
    EXPECT_EQ(email_of(under_way), "open@example.org");
    EXPECT_EQ(email_of(finished), "finished@example.org");
    EXPECT_EQ(intake.find(finished)->application.person.surname, "Mustermann");

    // Again: nothing more, no second audit record.
    const auto audited = count(db, "audit_log", "action = 'retention.deleted'");
    EXPECT_EQ(audited - audit_before, 16);
    EXPECT_TRUE(keeper.delete_due(t90 + kDay).empty());
    EXPECT_EQ(count(db, "audit_log", "action = 'retention.deleted'"), audited);

    // The finished order: its entered data and mails a year after the certificate expired.
    const auto expiry = now + 100 * kDay;
    deleted = keeper.delete_due(expiry + 365 * kDay + kDay);
    ASSERT_EQ(deleted.size(), 2u);
    for (const auto& d : deleted) {
        EXPECT_EQ(d.subject, finished);
        EXPECT_EQ(d.reason, "finished");
    }
    EXPECT_EQ(email_of(finished), "");
    EXPECT_EQ(proofs_of(finished), 1);
    EXPECT_EQ(intake.find(rejected)->application.person.surname, "Mustermann");

    // Three years after they ended, the signed applications of the rejected and the cancelled
    // order go (the expired one ended a month later).
    deleted = keeper.delete_due(now + 1096 * kDay);
    got.clear();
    for (const auto& d : deleted) {
        got.emplace(d.subject, d.record_class);
    }
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{rejected, "signed_order"},
                                                                   {cancelled, "signed_order"}}));
    EXPECT_EQ(intake.find(rejected)->application.person.surname, "");

    // Ten years after the certificate expired, what the law made the trust center keep.
    deleted = keeper.delete_due(expiry + 10 * 365 * kDay + kDay);
    got.clear();
    for (const auto& d : deleted) {
        if (d.subject == finished) {
            got.emplace(d.subject, d.record_class);
        }
    }
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{
                       {finished, "proofs"},
                       {finished, "postident_results"},
                       {finished, "identification"},
                       {finished, "signed_order"}}));
    EXPECT_EQ(proofs_of(finished), 0);
    EXPECT_EQ(intake.find(finished)->application.person.surname, "");
    // Still an order: number, state, hashes and history are what the trust center keeps.
    EXPECT_EQ(book.find(finished)->state, orders::OrderState::active);
    EXPECT_TRUE(audit::verify(db).intact);
}

TEST(Retention, DeletesEachClassOnItsScheduleOnceAndAuditedOnSqlite) {
    testing::TempDir dir("sigcard-retention");
    storage::Database db("sqlite:" + (dir.path() / "retention.db").string(), 2);
    check_retention(db);
}

TEST(Retention, DeletesEachClassOnItsScheduleOnceAndAuditedOnPostgresql) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    storage::Database db(testing::fresh_postgresql_schema(conninfo, "retention_test"), 2);
    check_retention(db);
}

}  // namespace
}  // namespace sigcard::retention
