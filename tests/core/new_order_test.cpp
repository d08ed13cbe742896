// The new order's intake: a valid application becomes one order awaiting identification with a
// PostIdent reference and a deadline; every bad entry is refused with its field and code and
// nothing stored; proofs are checked by content and sealed; cancel and expiry.
#include "new_order/new_order_errors.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "new_order/new_orders.hpp"
#include "orders/revocation_password.hpp"
#include "orders/order_errors.hpp"
#include "orders/sql_order_store.hpp"
#include "orders/terms.hpp"
#include "pki_fixture.hpp"
#include "support/new_order_application.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <functional>

namespace sigcard::new_order {
namespace {

using testing::valid_application;
constexpr std::int64_t kDay = 86400;

class NewOrderTest : public ::testing::Test {
protected:
    NewOrderTest() {
        config.registration_offices.push_back({"koeln", "Registrierungsstelle Köln", "", ""});
        terms.publish("AGB Version 1", "2026-01", now - kDay, "operator:test");
    }

    SubmittedApplication submission(Application application = valid_application()) {
        SubmittedApplication s;
        s.application = std::move(application);
        s.revocation_password = Secret("Sperre-2026!");
        s.revocation_password_repeat = Secret("Sperre-2026!");
        return s;
    }

    long long count(const std::string& table) {
        long long n = 0;
        tc.db.with_session([&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table, soci::into(n); });
        return n;
    }

    // The field errors of a submission that must be refused; empty when it was accepted.
    std::vector<std::pair<std::string, std::string>> refusal(SubmittedApplication s) {
        try {
            intake.submit(std::move(s), now);
        } catch (const orders::InvalidOrderData& e) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const auto& f : e.fields()) {
                out.emplace_back(f.field, std::string(f.code->id));
            }
            return out;
        }
        return {};
    }

    void expect_refused(const std::function<void(SubmittedApplication&)>& change,
                        const std::string& field, const std::string& code) {
        auto s = submission();
        change(s);
        const auto fields = refusal(std::move(s));
        EXPECT_NE(std::find(fields.begin(), fields.end(), std::pair(field, code)), fields.end())
            << field << " " << code << " not among " << ::testing::PrintToString(fields);
        EXPECT_EQ(count("orders"), 0) << field;
        EXPECT_EQ(count("order_proofs"), 0) << field;
    }

    config::TrustCenterConfig config = pki::testing::test_config();
    pki::testing::TrustCenter tc{config};
    std::int64_t now = 1'796'000'000;  // 2026-11-30
    orders::TermsCatalogue terms{tc.db};
    orders::SqlOrderStore store{tc.db};
    orders::OrderBook book{store};
    DataKey key = DataKey::load_or_create(tc.dir.path() / "keys" / "data.key");
    NewOrders intake{{config, tc.db, book, key}};
};

TEST_F(NewOrderTest, AValidApplicationIsOneOrderAwaitingIdentification) {
    const auto placed = intake.submit(submission(), now);
    EXPECT_TRUE(placed.order_number.starts_with("NA-2026-")) << placed.order_number;
    EXPECT_EQ(placed.postident_reference.size(), 12u);
    EXPECT_TRUE(placed.postident_reference.starts_with("SC"));
    EXPECT_EQ(placed.deadline, now + 30 * kDay);
    EXPECT_FALSE(placed.already_submitted);

    const auto stored = intake.find(placed.order_number);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->order.state, orders::OrderState::awaiting_identification);
    EXPECT_EQ(stored->order.kind, orders::OrderKind::new_order);
    EXPECT_EQ(stored->postident_reference, placed.postident_reference);
    EXPECT_EQ(stored->application.person.surname, "Mustermann");
    EXPECT_EQ(stored->application.id_document.number, "L01X00T47");
    EXPECT_EQ(stored->terms_version, "2026-01");
    EXPECT_EQ(stored->price.net_cents, config.prices.new_order_net_cents);
    // The hash in the order and on the order form is the stored document's.
    EXPECT_EQ(encoding::hex(ossl::sha256(ossl::as_bytes(stored->document))),
              stored->order.document_sha256);
    EXPECT_EQ(stored->order.document_sha256, placed.document_sha256);
    // The revocation password only as its Argon2id hash, nowhere else.
    std::string hash;
    tc.db.with_session([&](soci::session& s) {
        s << "SELECT revocation_password_hash FROM new_order_applications", soci::into(hash);
    });
    EXPECT_TRUE(hash.starts_with("$argon2id$"));
    EXPECT_TRUE(orders::revocation_password_matches(hash, Secret("Sperre-2026!")));
    EXPECT_EQ(stored->document.find("Sperre-2026"), std::string::npos);
    // No personal data in the reference.
    EXPECT_EQ(placed.postident_reference.find("MUST"), std::string::npos);
    // Waiting for the identification, in the back office's terms.
    EXPECT_EQ(orders::waiting_for(stored->order.state), orders::Party::registration);
}

TEST_F(NewOrderTest, TheSameSubmissionTwiceIsOneOrder) {
    auto first = submission();
    first.submission_key = "form-7f3a";
    auto second = submission();
    second.submission_key = "form-7f3a";
    const auto a = intake.submit(std::move(first), now);
    const auto b = intake.submit(std::move(second), now + 2);
    EXPECT_EQ(a.order_number, b.order_number);
    EXPECT_EQ(a.postident_reference, b.postident_reference);
    EXPECT_TRUE(b.already_submitted);
    EXPECT_EQ(count("orders"), 1);
    // Another form is another order, with another reference.
    const auto c = intake.submit(submission(), now);
    EXPECT_NE(c.order_number, a.order_number);
    EXPECT_NE(c.postident_reference, a.postident_reference);
}

TEST_F(NewOrderTest, EveryRequiredFieldMissingIsNamedAndNothingIsStored) {
    const std::vector<std::pair<std::string, std::function<void(Application&)>>> fields{
        {"person.given_names", [](Application& a) { a.person.given_names = " "; }},
        {"person.surname", [](Application& a) { a.person.surname = ""; }},
        {"person.birth_date", [](Application& a) { a.person.birth_date = ""; }},
        {"person.birth_place", [](Application& a) { a.person.birth_place = ""; }},
        {"person.nationality", [](Application& a) { a.person.nationality = ""; }},
        {"person.address.street", [](Application& a) { a.person.address.street = ""; }},
        {"person.address.postal_code", [](Application& a) { a.person.address.postal_code = ""; }},
        {"person.address.city", [](Application& a) { a.person.address.city = ""; }},
        {"id_document.type", [](Application& a) { a.id_document.type = ""; }},
        {"id_document.number", [](Application& a) { a.id_document.number = ""; }},
        {"id_document.authority", [](Application& a) { a.id_document.authority = ""; }},
        {"id_document.issued_on", [](Application& a) { a.id_document.issued_on = ""; }},
        {"id_document.expires_on", [](Application& a) { a.id_document.expires_on = ""; }},
        {"contact.email", [](Application& a) { a.order.contact.email = ""; }},
        {"contact.phone", [](Application& a) { a.order.contact.phone = ""; }},
        {"shipping.street", [](Application& a) { a.order.shipping.street = ""; }},
        {"billing.city", [](Application& a) { a.order.billing.city = ""; }},
    };
    for (const auto& [field, change] : fields) {
        const auto& apply = change;  // a lambda may not capture a structured binding in clang 15
        expect_refused([&](SubmittedApplication& s) { apply(s.application); }, field,
                       "field.required");
    }
    expect_refused([](SubmittedApplication& s) { s.application.order.terms_accepted = false; },
                   "declaration.terms_accepted", "order.terms_not_accepted");
    expect_refused([](SubmittedApplication& s) { s.application.withdrawal_acknowledged = false; },
                   "declaration.withdrawal_acknowledged", "new_order.withdrawal_not_acknowledged");
    expect_refused([](SubmittedApplication& s) { s.revocation_password = Secret("kurz"); },
                   "revocation.password", "field.revocation_password_too_short");
}

TEST_F(NewOrderTest, MalformedEntriesAreRefusedWithTheirCodes) {
    expect_refused([](SubmittedApplication& s) { s.application.person.birth_date = "12.08.1980"; },
                   "person.birth_date", "field.date_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.person.birth_date = "1980-02-30"; },
                   "person.birth_date", "field.date_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.person.nationality = "XX"; },
                   "person.nationality", "field.choice_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.id_document.type = "library_card"; },
                   "id_document.type", "field.choice_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.id_document.number = "L01-X00"; },
                   "id_document.number", "field.invalid_characters");
    expect_refused([](SubmittedApplication& s) { s.application.person.address.postal_code = "5114"; },
                   "person.address.postal_code", "field.postal_code_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.order.contact.email = "erika@"; },
                   "contact.email", "field.email_invalid");
    expect_refused([](SubmittedApplication& s) { s.application.identification.method = "fax"; },
                   "identification.method", "field.choice_invalid");
    expect_refused(
        [](SubmittedApplication& s) {
            s.application.identification = {"registration_office", "hamburg"};
        },
        "identification.office", "new_order.office_unknown");
    // Text the agent and the documents would show differently from what it is.
    expect_refused([](SubmittedApplication& s) { s.application.person.birth_place = "Ber\u202Elin"; },
                   "person.birth_place", "field.invalid_characters");
    expect_refused([](SubmittedApplication& s) { s.application.person.surname = "Muster\x85mann"; },
                   "person.surname", "field.invalid_characters");
    expect_refused([](SubmittedApplication& s) { s.application.id_document.authority = "Stadt\nKöln"; },
                   "id_document.authority", "field.invalid_characters");
}

TEST_F(NewOrderTest, TheIdDocumentMustBeValidLongEnoughAndTheApplicantOfAge) {
    const auto today = iso_date(now);  // 2026-11-30
    expect_refused([](SubmittedApplication& s) { s.application.id_document.expires_on = "2026-11-29"; },
                   "id_document.expires_on", "new_order.id_expired");
    // Valid for 27 more days: less than min_id_validity_days (28).
    expect_refused([](SubmittedApplication& s) { s.application.id_document.expires_on = "2026-12-27"; },
                   "id_document.expires_on", "new_order.id_expires_soon");
    expect_refused([](SubmittedApplication& s) { s.application.id_document.issued_on = "2027-01-01"; },
                   "id_document.issued_on", "new_order.id_dates_inconsistent");
    // 18 tomorrow: refused; 18 today: accepted.
    expect_refused([](SubmittedApplication& s) { s.application.person.birth_date = "2008-12-01"; },
                   "person.birth_date", "new_order.under_age");
    auto of_age = submission();
    of_age.application.person.birth_date = "2008-11-30";
    of_age.application.id_document.expires_on = "2026-12-28";  // exactly 28 days
    EXPECT_NO_THROW(intake.submit(std::move(of_age), now)) << today;
}

TEST_F(NewOrderTest, APseudonymFollowsTheProfileRules) {
    auto with_pseudonym = [](std::string pseudonym) {
        return [pseudonym](SubmittedApplication& s) {
            s.application.certificate.use_pseudonym = true;
            s.application.certificate.pseudonym = pseudonym;
        };
    };
    expect_refused(with_pseudonym("Erika Sonnenschein"), "certificate.pseudonym",
                   "new_order.pseudonym_invalid");
    expect_refused(with_pseudonym("Die Mustermann-Kanzlei"), "certificate.pseudonym",
                   "new_order.pseudonym_invalid");
    expect_refused(with_pseudonym("Sonnenschein:PN"), "certificate.pseudonym",
                   "new_order.pseudonym_invalid");
    expect_refused(with_pseudonym(std::string(61, 'x')), "certificate.pseudonym",
                   "new_order.pseudonym_invalid");
    expect_refused(with_pseudonym(""), "certificate.pseudonym", "field.required");
    auto fine = submission();
    with_pseudonym("Sonnenschein")(fine);
    const auto placed = intake.submit(std::move(fine), now);
    EXPECT_EQ(intake.find(placed.order_number)->application.certificate.pseudonym, "Sonnenschein");
}

TEST_F(NewOrderTest, ProofsAreRecognisedByContentSizeLimitedAndFreeOfScripts) {
    auto lawyer = [](std::string file) {
        return [file](SubmittedApplication& s) {
            s.application.certificate.profession =
                Profession{"Rechtsanwältin", "Rechtsanwaltskammer Köln", {}};
            s.uploads.push_back({"profession", file});
        };
    };
    expect_refused(lawyer("<html>Zulassung</html>"), "certificate.profession.proof",
                   "new_order.proof_type");
    expect_refused(lawyer(std::string("%PDF-1.7\n") + std::string(5 * 1024 * 1024, 'x')),
                   "certificate.profession.proof", "new_order.proof_too_large");
    expect_refused(lawyer(testing::pdf_with_script()), "certificate.profession.proof",
                   "new_order.proof_active_content");
    expect_refused(lawyer(testing::pdf_with_embedded_file()), "certificate.profession.proof",
                   "new_order.proof_active_content");
    expect_refused(lawyer("%PDF-1.4 damaged"), "certificate.profession.proof",
                   "new_order.proof_active_content");
    // Neither a file nor "confirmed directly".
    expect_refused(lawyer(""), "certificate.profession.proof", "new_order.proof_missing");

    auto s = submission();
    lawyer(testing::plain_pdf())(s);
    s.application.certificate.procuration =
        Procuration{"Muster Handels GmbH", "Amtsgericht Köln", "HRB 12345", {true, ""}};
    s.application.certificate.monetary_limit = MonetaryLimit{5000, {}};
    s.uploads.push_back({"monetary_limit", testing::png_bytes()});
    const auto placed = intake.submit(std::move(s), now);
    EXPECT_EQ(count("order_proofs"), 2);  // the procuration is confirmed directly
    const auto proof = intake.proof(placed.order_number, "profession");
    ASSERT_TRUE(proof);
    EXPECT_EQ(proof->content, testing::plain_pdf());
    EXPECT_EQ(proof->media_type, "application/pdf");
    EXPECT_EQ(intake.proof(placed.order_number, "monetary_limit")->media_type, "image/png");
    // Sealed at rest: the stored text does not contain the file.
    std::string sealed;
    tc.db.with_session([&](soci::session& db) {
        db << "SELECT sealed FROM order_proofs WHERE attribute = 'profession'", soci::into(sealed);
    });
    EXPECT_EQ(encoding::from_base64(sealed).find("/Type /Catalog"), std::string::npos);
    const auto stored = intake.find(placed.order_number);
    EXPECT_EQ(stored->application.certificate.profession->proof.upload_sha256, proof->sha256);
}

TEST_F(NewOrderTest, ASealedProofMovedToAnotherOrderDoesNotOpen) {
    const auto sealed = key.seal("Zulassungsurkunde", "order-proof:NA-1:profession");
    EXPECT_EQ(key.open(sealed, "order-proof:NA-1:profession"), "Zulassungsurkunde");
    EXPECT_THROW(key.open(sealed, "order-proof:NA-2:profession"), std::runtime_error);
    auto changed = sealed;
    changed.back() ^= 1;
    EXPECT_THROW(key.open(changed, "order-proof:NA-1:profession"), std::runtime_error);
}

TEST_F(NewOrderTest, DocumentLinksNeedTheOrdersSecret) {
    const auto placed = intake.submit(submission(), now);
    const auto secret = intake.document_secret(placed.order_number);
    EXPECT_EQ(secret.size(), 32u);
    EXPECT_TRUE(intake.document_secret_matches(placed.order_number, secret));
    EXPECT_FALSE(intake.document_secret_matches(placed.order_number, ""));
    EXPECT_FALSE(intake.document_secret_matches(placed.order_number, std::string(32, '0')));
    EXPECT_NE(intake.document_secret("NA-2026-AAAA-BBBB"), secret);
    // Another instance with the same data key recognises it (nothing kept in memory).
    NewOrders other{{config, tc.db, book, key}};
    EXPECT_TRUE(other.document_secret_matches(placed.order_number, secret));
}

TEST_F(NewOrderTest, TheApplicantCancelsUntilIdentificationAndOverdueOrdersExpire) {
    const auto cancelled = intake.submit(submission(), now);
    intake.cancel_by_applicant(cancelled.order_number, now + kDay);
    EXPECT_EQ(intake.find(cancelled.order_number)->order.state, orders::OrderState::cancelled);

    const auto overdue = intake.submit(submission(), now);
    const auto later = intake.submit(submission(), now + 10 * kDay);
    EXPECT_TRUE(intake.expire_overdue(now + 30 * kDay - 1).empty());
    const auto expired = intake.expire_overdue(now + 30 * kDay);
    EXPECT_EQ(expired, std::vector<std::string>{overdue.order_number});
    const auto record = intake.find(overdue.order_number)->order;
    EXPECT_EQ(record.state, orders::OrderState::expired);
    EXPECT_EQ(record.events.back().note, "not identified by the deadline");
    EXPECT_EQ(intake.find(later.order_number)->order.state,
              orders::OrderState::awaiting_identification);
    // Too late to cancel what expired.
    try {
        intake.cancel_by_applicant(overdue.order_number, now + 31 * kDay);
        ADD_FAILURE() << "an expired order was cancelled";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "order.invalid_transition");
    }
}

TEST_F(NewOrderTest, WithoutTermsInForceNothingIsStored) {
    const config::TrustCenterConfig other_config = pki::testing::test_config();
    pki::testing::TrustCenter empty{other_config};
    orders::SqlOrderStore other_store{empty.db};
    orders::OrderBook other_book{other_store};
    NewOrders other{{other_config, empty.db, other_book, key}};
    try {
        other.submit(submission(), now);
        ADD_FAILURE() << "accepted without terms";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "order.terms_unknown");
    }
}

}  // namespace
}  // namespace sigcard::new_order

namespace sigcard::new_order {
namespace {

// The same intake on PostgreSQL (scripts/test starts the cluster), in a schema of its own: one
// order per submission key also there, the proofs sealed, cancel and expiry.
TEST(NewOrdersOnPostgresql, StoresFindsCancelsAndExpiresLikeOnSqlite) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    storage::Database db(testing::fresh_postgresql_schema(conninfo, "new_order_test"), 2);
    db.migrate();
    auto config = pki::testing::test_config();
    const std::int64_t now = 1'796'000'000;
    orders::TermsCatalogue(db).publish("AGB", "2026-01", now - kDay, "operator:test");
    orders::SqlOrderStore store(db);
    orders::OrderBook book(store);
    testing::TempDir keys("sigcard-pg-keys");
    const auto key = DataKey::load_or_create(keys.path() / "data.key");
    NewOrders intake({config, db, book, key});

    SubmittedApplication s;
    s.application = valid_application();
    s.application.certificate.profession = Profession{"Rechtsanwältin", "RAK Köln", {}};
    s.uploads.push_back({"profession", testing::plain_pdf()});
    s.revocation_password = Secret("Sperre-2026!");
    s.revocation_password_repeat = Secret("Sperre-2026!");
    s.submission_key = "pg-1";
    auto again = s;
    const auto placed = intake.submit(std::move(s), now);
    EXPECT_TRUE(intake.submit(std::move(again), now).already_submitted);
    const auto stored = intake.find(placed.order_number);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->order.state, orders::OrderState::awaiting_identification);
    EXPECT_EQ(intake.proof(placed.order_number, "profession")->content, testing::plain_pdf());

    auto second = SubmittedApplication{valid_application(), {}, Secret("Sperre-2026!"),
                                       Secret("Sperre-2026!"), ""};
    const auto other = intake.submit(std::move(second), now);
    intake.cancel_by_applicant(other.order_number, now + kDay);
    EXPECT_EQ(intake.expire_overdue(now + 30 * kDay), std::vector<std::string>{placed.order_number});
    EXPECT_EQ(intake.find(placed.order_number)->order.state, orders::OrderState::expired);
    EXPECT_EQ(intake.find(other.order_number)->order.state, orders::OrderState::cancelled);
}

}  // namespace
}  // namespace sigcard::new_order
