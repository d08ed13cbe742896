// The holders' mails over a real SMTP server: every stored order gets its mail once, also with
// two portal instances sending; a server that is down is tried again later, and the address is
// never in the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mail/order_mails.hpp"
#include "storage/database.hpp"
#include "support/smtp_sink.hpp"
#include "support/temp_dir.hpp"

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

class OrderMailsTest : public ::testing::Test {
protected:
    OrderMailsTest() : db("sqlite:" + (dir.path() / "mails.db").string(), 2) {
        db.migrate();
        db.with_session([](soci::session& s) {
            s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
                 "VALUES ('2026-01', 0, 'aa', 'AGB', 0)";
        });
    }

    void store_order(const std::string& number, const std::string& email,
                     const std::string& state = "submitted", const std::string& kind = "follow_up") {
        const std::string data = R"({"contact":{"email":")" + email + R"(","phone":"1"}})";
        db.with_session([&](soci::session& s) {
            s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                 "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                 "created_at, updated_at) VALUES (:n, :kind, :state, :data, '2026-01', :n, "
                 "'', '', '', :n, 0, 0)",
                soci::use(number, "n"), soci::use(kind, "kind"), soci::use(state, "state"),
                soci::use(data, "data");
        });
    }

    mail::OrderMailer mailer(const std::string& url) {
        return mail::OrderMailer(db, mail::SmtpTransport(url, "SigCard Test <tc@sigcard.example>"),
                                 {"SigCard Test Trust Center", "https://portal.example/"});
    }

    TempDir dir{"sigcard-mails"};
    storage::Database db;
};

TEST_F(OrderMailsTest, EveryOrderGetsItsMailOnceAlsoWithTwoInstances) {
    SmtpSink sink(dir.path());
    store_order("FA-2026-AAAA-0001", "erika@example.de");
    store_order("FA-2026-AAAA-0002", "jonas@example.de", "shipped");
    auto first = mailer(sink.url());
    auto second = mailer(sink.url());
    const int sent = first.deliver_due(1000) + second.deliver_due(1000);
    EXPECT_EQ(sent, 3);  // two received, one shipped
    EXPECT_EQ(first.deliver_due(1001) + second.deliver_due(1001), 0);
    const auto mail = sink.wait_for_mail("FA-2026-AAAA-0001");
    EXPECT_THAT(mail, HasSubstr("To: erika@example.de"));
    EXPECT_THAT(mail, HasSubstr("https://portal.example/status?auftrag=FA-2026-AAAA-0001"));
    EXPECT_FALSE(sink.wait_for_mail("unterwegs (FA-2026-AAAA-0002)").empty());
    EXPECT_EQ(sink.mails().size(), 3u);
}

TEST_F(OrderMailsTest, ANewOrderGetsItsLinksAndOneReminderBeforeItsDeadline) {
    SmtpSink sink(dir.path());
    const std::int64_t deadline = 1000 + 30 * 86400;
    store_order("NA-2026-BBBB-0001", "applicant@example.de", "awaiting_identification", "new");
    db.with_session([&](soci::session& s) {
        s << "INSERT INTO new_order_applications (order_id, postident_reference, "
             "identification_method, document, revocation_password_hash, "
             "identification_deadline) SELECT id, 'SC23456789AB', 'postident', '{}', 'x', :d FROM "
             "orders WHERE order_number = 'NA-2026-BBBB-0001'",
            soci::use(deadline);
    });
    auto settings = mail::OrderMailSettings{"SigCard Test Trust Center", "https://portal.example/"};
    settings.document_key = [](const std::string& number) { return "key-of-" + number; };
    mail::OrderMailer with_links(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    // An instance that cannot make the links leaves new orders to one that can.
    EXPECT_EQ(mailer(sink.url()).deliver_due(1000), 0);
    EXPECT_EQ(with_links.deliver_due(1000), 1);
    const auto received = sink.wait_for_mail("Ihr Neuauftrag NA-2026-BBBB-0001 ist eingegangen");
    EXPECT_THAT(received, HasSubstr(
        "https://portal.example/api/v1/new-orders/NA-2026-BBBB-0001/postident-coupon.pdf?key="
        "key-of-NA-2026-BBBB-0001&lang=de"));
    EXPECT_THAT(received, HasSubstr("https://portal.example/neuauftrag/NA-2026-BBBB-0001?key="));
    EXPECT_THAT(received, HasSubstr("31.01.1970"));  // the deadline
    // The reminder: not 8 days before, once 7 days before, never twice.
    EXPECT_EQ(with_links.deliver_due(deadline - 8 * 86400), 0);
    EXPECT_EQ(with_links.deliver_due(deadline - 7 * 86400), 1);
    EXPECT_EQ(with_links.deliver_due(deadline - 6 * 86400), 0);
    EXPECT_FALSE(sink.wait_for_mail("Erinnerung: Identifizierung bis 31.01.1970").empty());
    EXPECT_EQ(sink.mails().size(), 2u);
}

TEST_F(OrderMailsTest, ADeclinedIdentificationIsMailedOnceWithThePostOfficesReason) {
    SmtpSink sink(dir.path());
    store_order("NA-2026-CCCC-0001", "applicant@example.de", "in_review", "new");
    db.with_session([&](soci::session& s) {
        s << "INSERT INTO new_order_applications (order_id, postident_reference, "
             "identification_method, document, revocation_password_hash, "
             "identification_deadline) SELECT id, 'SC23456789CD', 'postident', '{}', 'x', "
             "999999 FROM orders WHERE order_number = 'NA-2026-CCCC-0001'";
        // Received is sent already; the post office's result comes in later.
        s << "INSERT INTO order_mails (order_id, kind, claimed_at, attempts, sent_at) SELECT id, "
             "'received', 1, 1, 1 FROM orders WHERE order_number = 'NA-2026-CCCC-0001'";
    });
    auto settings = mail::OrderMailSettings{"SigCard Test Trust Center", "https://portal.example/"};
    settings.document_key = [](const std::string& number) { return "key-of-" + number; };
    mail::OrderMailer mailer(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    EXPECT_EQ(mailer.deliver_due(1000), 0);  // nothing declined yet
    db.with_session([&](soci::session& s) {
        s << "INSERT INTO postident_results (case_id, reference_id, order_id, content_sha256, "
             "sealed, verdict, reasons, declined_reason, source, received_at, review_state) "
             "SELECT 'CASE-1', 'SC23456789CD', id, 'aa', 'x', 'declined', '[\"declined\"]', "
             "'document damaged', 'push', 1000, 'open' FROM orders WHERE order_number = "
             "'NA-2026-CCCC-0001'";
    });
    EXPECT_EQ(mailer.deliver_due(1001), 1);
    EXPECT_EQ(mailer.deliver_due(1002), 0);
    const auto mail = sink.wait_for_mail("Ihre Identifizierung zum Auftrag NA-2026-CCCC-0001");
    EXPECT_THAT(mail, HasSubstr("Grund laut Deutscher Post: document damaged"));
    EXPECT_THAT(mail, HasSubstr("https://portal.example/neuauftrag/NA-2026-CCCC-0001?key=key-of-"));
}

TEST_F(OrderMailsTest, TheStatusLinkIsSentOnlyWhenAskedForAndAgainEachTime) {
    SmtpSink sink(dir.path());
    store_order("FA-2026-AAAA-0005", "erika@example.de");
    auto sender = mailer(sink.url());
    EXPECT_EQ(sender.deliver_due(1000), 1);  // the confirmation only
    long long id = 0;
    db.with_session([&](soci::session& s) { s << "SELECT id FROM orders", soci::into(id); });
    mail::request_status_link(db, id);
    EXPECT_EQ(sender.deliver_due(1001), 1);
    EXPECT_EQ(sender.deliver_due(1002), 0);
    mail::request_status_link(db, id);  // asked again later
    EXPECT_EQ(sender.deliver_due(1003), 1);
    ASSERT_FALSE(sink.wait_for_mail("you asked for the link to the status").empty());
    std::size_t links = 0;
    for (const auto& mail : sink.mails()) {
        links += mail.find("you asked for the link to the status") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(links, 2u);
}

TEST_F(OrderMailsTest, AServerThatIsDownIsTriedAgainLaterAndTheMailIsNotLost) {
    store_order("FA-2026-AAAA-0003", "erika@example.de");
    auto down = mailer("smtp://127.0.0.1:1");
    EXPECT_EQ(down.deliver_due(1000), 0);
    std::string error;
    db.with_session([&](soci::session& s) {
        s << "SELECT last_error FROM order_mails WHERE kind = 'received'", soci::into(error);
    });
    EXPECT_THAT(error, HasSubstr("SMTP"));
    EXPECT_THAT(error, ::testing::Not(HasSubstr("erika@example.de")));

    SmtpSink sink(dir.path());
    auto up = mailer(sink.url());
    EXPECT_EQ(up.deliver_due(1010), 0);  // too soon after the failure
    EXPECT_EQ(up.deliver_due(1100), 1);
    EXPECT_FALSE(sink.wait_for_mail("FA-2026-AAAA-0003").empty());
}

TEST(OrderMailsMigration, OrdersStoredBeforeMailsExistedAreNotMailed) {
    TempDir dir{"sigcard-mails-migration"};
    storage::Database db("sqlite:" + (dir.path() / "old.db").string(), 1);
    db.migrate(5);  // a portal from before the mails, with an order and a shipped one
    db.with_session([](soci::session& s) {
        s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
             "VALUES ('2026-01', 0, 'aa', 'AGB', 0)";
        for (const char* state : {"submitted", "shipped"}) {
            const std::string number = std::string("FA-OLD-") + state;
            const std::string st = state;
            s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                 "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                 "created_at, updated_at) VALUES (:n, 'follow_up', :state, "
                 "'{\"contact\":{\"email\":\"old@example.de\"}}', '2026-01', :n, '', '', '', :n, 0, 0)",
                soci::use(number, "n"), soci::use(st, "state");
        }
    });
    EXPECT_EQ(db.migrate(6), 1);
    db.migrate();  // and on to today's schema, as the portal does at start
    SmtpSink sink(dir.path());
    mail::OrderMailer mailer(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"),
                             {"SigCard Test", "https://portal.example"});
    EXPECT_EQ(mailer.deliver_due(1000), 0);
    EXPECT_TRUE(sink.mails().empty());
}

}  // namespace
}  // namespace sigcard::testing

namespace sigcard::testing {
namespace {

// A card produced for an order, active, whose certificate expires at `not_after`.
void store_active_card(storage::Database& db, const std::string& order_number, long long not_after) {
    db.with_session([&](soci::session& s) {
        const std::string serial = "c0ffee" + order_number.substr(order_number.size() - 4);
        s << "INSERT INTO certificates (serial, role, subject, not_before, not_after, der, status, "
             "issued_at) VALUES (:serial, 'holder', 'CN=Erika Mustermann', 0, :after, 'x', 'good', 0)",
            soci::use(serial), soci::use(not_after);
        s << "INSERT INTO cards (card_serial, token_label, certificate_serial, identification_method, "
             "identified_at, state, produced_at) VALUES (:card, 'Test', :serial, 'postident', 0, "
             "'active', 0)",
            soci::use(serial, "card"), soci::use(serial, "serial");
        s << "UPDATE orders SET new_card_id = (SELECT id FROM cards WHERE card_serial = :card) WHERE "
             "order_number = :n",
            soci::use(serial), soci::use(order_number);
    });
}

}  // namespace
}  // namespace sigcard::testing

namespace sigcard::testing {
namespace {

TEST_F(OrderMailsTest, ACertificateAboutToExpireGetsOneReminderPerThresholdUntilAFollowUpIsOrdered) {
    SmtpSink sink(dir.path());
    const long long day = 86400;
    const long long now = 1'796'000'000;
    store_order("FA-2026-EXPI-0001", "erika@example.de", "active");
    store_active_card(db, "FA-2026-EXPI-0001", now + 20 * day);
    auto settings = mail::OrderMailSettings{"SigCard Test Trust Center", "https://portal.example/"};
    settings.expiry_reminder_days = {90, 30, 7};
    mail::OrderMailer first(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    mail::OrderMailer second(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    // Its order's received and activated mails, and one reminder (the 30-day one: 90 is not
    // also sent).
    EXPECT_EQ(first.deliver_due(now) + second.deliver_due(now), 3);
    EXPECT_EQ(first.deliver_due(now + 60) + second.deliver_due(now + 60), 0);
    const auto reminder = sink.wait_for_mail("bestellen Sie die Folgekarte online");
    EXPECT_THAT(reminder, HasSubstr("To: erika@example.de"));
    EXPECT_THAT(reminder, HasSubstr("https://portal.example/folgeauftrag"));
    EXPECT_THAT(reminder, HasSubstr("FA-2026-EXPI-0001"));
    // A week before: the 7-day reminder.
    EXPECT_EQ(first.deliver_due(now + 14 * day), 1);
    EXPECT_EQ(first.deliver_due(now + 15 * day), 0);
    // A card with a follow-up order under way is not reminded.
    store_order("FA-2026-EXPI-0002", "jonas@example.de", "active");
    store_active_card(db, "FA-2026-EXPI-0002", now + 50 * day);
    db.with_session([](soci::session& s) {
        s << "UPDATE orders SET card_id = (SELECT new_card_id FROM orders WHERE order_number = "
             "'FA-2026-EXPI-0002'), state = 'submitted' WHERE order_number = 'FA-2026-EXPI-0001'";
    });
    EXPECT_EQ(first.deliver_due(now + 20), 2);  // only FA-…-0002's received and activated mails
}

TEST_F(OrderMailsTest, AShippedCardNotYetConfirmedGetsOneReminderBeforeItsActivationDeadline) {
    SmtpSink sink(dir.path());
    const long long day = 86400;
    const long long now = 1'796'000'000;
    store_order("FA-2026-ACTV-0001", "erika@example.de", "shipped");
    store_order("FA-2026-ACTV-0002", "jonas@example.de", "shipped");
    db.with_session([&](soci::session& s) {
        const long long deadline = now + 20 * day;
        // Both codes run out in 20 days; Jonas has confirmed already.
        s << "INSERT INTO activation_codes (order_id, code_hash, deadline, created_at, used_at) "
             "SELECT id, 'x', :deadline, :now, CASE order_number WHEN 'FA-2026-ACTV-0002' THEN "
             ":now ELSE NULL END FROM orders",
            soci::use(deadline, "deadline"), soci::use(now, "now");
    });
    auto settings = mail::OrderMailSettings{"SigCard Test Trust Center", "https://portal.example/"};
    settings.activation_reminder_days = 14;
    mail::OrderMailer first(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    mail::OrderMailer second(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    // Received and shipped mails, no reminder yet: the deadline is 20 days away.
    EXPECT_EQ(first.deliver_due(now) + second.deliver_due(now), 4);
    // Two weeks before the deadline: one reminder, to Erika only, once across two instances.
    EXPECT_EQ(first.deliver_due(now + 7 * day) + second.deliver_due(now + 7 * day), 1);
    EXPECT_EQ(first.deliver_due(now + 8 * day) + second.deliver_due(now + 8 * day), 0);
    const auto reminder = sink.wait_for_mail("receipt is not yet confirmed");
    EXPECT_THAT(reminder, HasSubstr("To: erika@example.de"));
    EXPECT_THAT(reminder, HasSubstr("https://portal.example/status?auftrag=FA-2026-ACTV-0001"));
    EXPECT_THAT(reminder, HasSubstr("bis zum 20.12.2026"));  // the deadline, German
    EXPECT_THAT(reminder, HasSubstr("by 2026-12-20"));
    for (const auto& mail : sink.mails()) {
        EXPECT_FALSE(mail.find("receipt is not yet confirmed") != std::string::npos &&
                     mail.find("jonas@example.de") != std::string::npos);
    }
}

TEST_F(OrderMailsTest, EachLaterStepIsMailedOnceWithTheOrdersStatusLink) {
    SmtpSink sink(dir.path());
    store_order("NA-2026-STEP-0001", "identified@example.de", "identified", "new");
    store_order("NA-2026-STEP-0002", "expired@example.de", "expired", "new");
    store_order("FA-2026-STEP-0003", "active@example.de", "active");
    store_order("FA-2026-STEP-0004", "cancelled@example.de", "cancelled");
    db.with_session([&](soci::session& s) {
        s << "INSERT INTO new_order_applications (order_id, postident_reference, "
             "identification_method, document, revocation_password_hash, "
             "identification_deadline) SELECT id, 'REF-' || order_number, 'postident', '{}', 'x', "
             "0 FROM orders WHERE kind = 'new'";
    });
    auto settings = mail::OrderMailSettings{"SigCard Test Trust Center", "https://portal.example/"};
    settings.document_key = [](const std::string& number) { return "key-of-" + number; };
    mail::OrderMailer first(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    mail::OrderMailer second(db, mail::SmtpTransport(sink.url(), "tc@sigcard.example"), settings);
    // Each order its received mail and its step's mail, once across two instances.
    EXPECT_EQ(first.deliver_due(1000) + second.deliver_due(1000), 8);
    EXPECT_EQ(first.deliver_due(1100) + second.deliver_due(1100), 0);
    const auto identified = sink.wait_for_mail("Ihre Identifizierung zum Auftrag NA-2026-STEP-0001 ist geprüft");
    EXPECT_THAT(identified, HasSubstr("To: identified@example.de"));
    EXPECT_THAT(identified, HasSubstr("https://portal.example/neuauftrag/NA-2026-STEP-0001?key=key-of-NA-2026-STEP-0001&lang=en"));
    const auto expired = sink.wait_for_mail("no identification for your order NA-2026-STEP-0002 arrived");
    EXPECT_THAT(expired, HasSubstr("To: expired@example.de"));
    const auto active = sink.wait_for_mail("the card for your order FA-2026-STEP-0003. Its certificate is activated");
    EXPECT_THAT(active, HasSubstr("https://portal.example/status?auftrag=FA-2026-STEP-0003"));
    const auto cancelled = sink.wait_for_mail("your order FA-2026-STEP-0004 is cancelled");
    EXPECT_THAT(cancelled, HasSubstr("To: cancelled@example.de"));
}

}  // namespace
}  // namespace sigcard::testing
