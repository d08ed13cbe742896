// The follow-up order end to end, as a holder and an operator meet it: `sigcard follow-up` on
// the demo cards (SoftHSM2 and the FAKE PIN-pad reader) against a running `sigcard-portal`,
// approval, production of the new card (on hold until receipt), receipt, and a second-generation
// order signed with the new card; the refused cards each get their answer; the audit log holds.
#include "integration/integration_support.hpp"
#include "integration/card_signing_support.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"
#include "support/smtp_sink.hpp"

#include "authority/holder_receipt.hpp"
#include "authority/order_production.hpp"
#include "authority/revocations.hpp"
#include "common/clock.hpp"

#include "cards/card_register.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"
#include "storage/database.hpp"
#include "support/running_process.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <regex>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDemoPin = "123456";
constexpr int kNotEligible = 4;  // `sigcard follow-up` exit code for a refused card

// The whole way on SQLite and on PostgreSQL (a schema of its own; scripts/test starts the cluster).
class FollowUpEndToEndTest : public TrustCenterTest,
                             public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql") {
            SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
            postgresql_url_ = fresh_postgresql_schema(conninfo, "follow_up_e2e");
        }
        TrustCenterTest::SetUp();
        for (const auto* step : {"demo cards", "demo operators"}) {
            const auto made = sigcard(std::string(step) + " --dir " + dir().string());
            ASSERT_EQ(made.status, 0) << made.output;
        }
        std::ofstream(tmp_.path() / "agb.txt") << "Allgemeine Geschäftsbedingungen, Fassung 1\n";
        const auto terms =
            sigcard(fmt::format("terms publish {} --version 2025-01 "
                                "--valid-from 2025-01-01 --dir {}",
                                (tmp_.path() / "agb.txt").string(), dir().string()));
        ASSERT_EQ(terms.status, 0) << terms.output;
    }

    std::string init_arguments() const override {
        return postgresql_url_.empty() ? "" : "--database \"" + postgresql_url_ + "\"";
    }
    std::string database_url() const override {
        return postgresql_url_.empty() ? TrustCenterTest::database_url() : postgresql_url_;
    }

    void start_portal() {
        portal_.reset();  // the previous one stops first
        const auto log = tmp_.path() / fmt::format("portal-{}.log", ++portal_runs_);
        portal_ = std::make_unique<RunningProcess>(
            std::vector<std::string>{std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard-portal",
                                     "--dir", dir().string(), "--port", "0", "--operator-port", "0",
                                     "--pki-port", "0", "--backoffice-port", "0"},
            log);
        portal_url_ =
            "https://127.0.0.1:" + portal_->wait_for(R"(listening on https://127\.0\.0\.1:(\d+)/)");
    }

    // OrderData JSON as the holder would enter it, with the declaration given.
    std::filesystem::path order_data(const std::string& email) {
        const nlohmann::json address = {{"name", "Erika Mustermann"},
                                        {"company", ""},
                                        {"street", "Hauptstraße 1"},
                                        {"address_extra", ""},
                                        {"postal_code", "10115"},
                                        {"city", "Berlin"},
                                        {"country", "DE"}};
        auto billing = address;
        billing["vat_id"] = "";
        const nlohmann::json data = {
            {"contact", {{"email", email}, {"phone", "030 1234567"}}},
            {"shipping", address},
            {"billing", billing},
            {"declaration", {{"name_and_attributes_unchanged", true}, {"terms_accepted", true}}}};
        const auto path = tmp_.path() / (email + ".json");
        std::ofstream(path) << data.dump(2);
        return path;
    }

    // The holder's terminal client, scripted: data from a file, --yes, the PIN on stdin.
    CommandResult follow_up(const std::string& token, const std::string& email,
                            const std::string& pin = kDemoPin,
                            const std::string& module = SOFTHSM2_MODULE,
                            const std::string& extra_env = {}) {
        return run_command(
            fmt::format("printf '%s\\n' {} | {} {} {} follow-up --portal {} --module {} --token {} "
                        "--ca-file {} --data {} --yes --out {}",
                        quoted(pin), softhsm_env(), extra_env, sigcard_binary(), portal_url_,
                        module, quoted(token), (dir() / "ca" / "root.pem").string(),
                        order_data(email).string(), (tmp_.path() / (email + ".pdf")).string()));
    }

    // The client asking its questions, answered line by line (no --data, no --yes).
    CommandResult dialogue(const std::string& token, const std::vector<std::string>& answers) {
        std::string lines;
        for (const auto& a : answers) {
            lines += " " + quoted(a);
        }
        return run_command(fmt::format(
            "printf '%s\\n'{} | {} {} follow-up --portal {} --module {} --token {} --ca-file {} "
            "--out {} --lang en",
            lines, softhsm_env(), sigcard_binary(), portal_url_, SOFTHSM2_MODULE, quoted(token),
            (dir() / "ca" / "root.pem").string(), (tmp_.path() / "dialogue.pdf").string()));
    }

    std::string place_order(const std::string& token, const std::string& email) {
        const auto result = follow_up(token, email);
        EXPECT_EQ(result.status, 0) << result.output;
        const auto number = capture(result.output, R"(Auftragsnummer: (\S+))");
        EXPECT_FALSE(number.empty()) << result.output;
        EXPECT_EQ(read_text(tmp_.path() / (email + ".pdf")).substr(0, 5), "%PDF-");
        return number;
    }

    void expect_refused(const std::string& token, const std::string& code) {
        const auto result = follow_up(token, "refused@example.de");
        EXPECT_EQ(result.status, kNotEligible) << token << "\n" << result.output;
        EXPECT_THAT(result.output, HasSubstr("[" + code + "]")) << token;
    }

    pki::CertificateRecord certificate(const std::string& serial) {
        storage::Database db(database_url(), 1);
        const auto record = pki::CertificateStore(db).find(serial);
        EXPECT_TRUE(record) << serial;
        return record.value_or(pki::CertificateRecord{});
    }

    std::optional<cards::CardEntry> card(const std::string& certificate_serial) {
        storage::Database db(database_url(), 1);
        return cards::CardRegister(db).find_by_certificate(certificate_serial);
    }

    pki::HolderProfile profile(const std::string& serial) {
        const auto cert = ossl::x509_from_der(certificate(serial).der);
        return pki::read_holder_profile(cert.get());
    }

    void set_renewal_window(int days) {
        const auto path = dir() / "sigcard.toml";
        const auto toml =
            std::regex_replace(read_text(path), std::regex(R"(renewal_window_days = \d+)"),
                               fmt::format("renewal_window_days = {}", days));
        std::ofstream(path, std::ios::trunc) << toml;
    }

    std::string old_certificate_serial(const std::string& slug) {
        const auto pem = read_text(dir() / "cards" / (slug + ".pem"));
        return ossl::serial_hex(ossl::x509_from_pem(pem).get());
    }

    std::unique_ptr<RunningProcess> portal_;
    std::string portal_url_;
    int portal_runs_ = 0;
    std::string postgresql_url_;
};

TEST_P(FollowUpEndToEndTest, OrderApprovalProductionReceiptAndSecondGeneration) {
    // Mails go through a real SMTP server (the sink), as configured in sigcard.toml.
    SmtpSink sink(tmp_.path());
    const auto toml_path = dir() / "sigcard.toml";
    const auto toml = std::regex_replace(read_text(toml_path), std::regex(R"(smtp_url = '')"),
                                         "smtp_url = '" + sink.url() + "'");
    ASSERT_NE(toml.find(sink.url()), std::string::npos);
    std::ofstream(toml_path, std::ios::trunc) << toml;
    start_portal();

    // First generation: the valid demo card orders; a second attempt shows the open order.
    const auto order = place_order("Demo Erika Mustermann", "erika@example.de");
    // The confirmation mail: to the holder, with the number and the status link.
    const auto received = sink.wait_for_mail("Auftragsnummer: " + order);
    ASSERT_FALSE(received.empty()) << "no confirmation mail for " << order << "\n"
                                   << read_text(tmp_.path() / "portal-1.log")
                                   << read_text(tmp_.path() / "smtp-sink.log");
    EXPECT_THAT(received, HasSubstr("To: erika@example.de"));
    EXPECT_THAT(received, HasSubstr("/status?auftrag=" + order));
    EXPECT_THAT(received, HasSubstr("Order number: " + order));
    const auto again = follow_up("Demo Erika Mustermann", "erika@example.de");
    EXPECT_EQ(again.status, kNotEligible);
    EXPECT_THAT(again.output, HasSubstr("[eligibility.open_order_exists]"));
    // That an order is open, never its number: the card's certificate alone proves nothing.
    EXPECT_THAT(again.output, HasSubstr("bereits ein Auftrag offen"));
    EXPECT_THAT(again.output, ::testing::Not(HasSubstr(order)));

    // Each refused demo card gets its answer; the partner card names the partner.
    expect_refused("Demo Partnerkarte", "eligibility.partner_card");
    EXPECT_THAT(follow_up("Demo Partnerkarte", "p@example.de").output,
                HasSubstr("Kammer-Service GmbH"));
    expect_refused("Demo Abgelaufen", "eligibility.certificate_expired");
    expect_refused("Demo Gesperrt", "eligibility.certificate_revoked");
    expect_refused("Demo Identifikation alt", "eligibility.identification_too_old");

    // A wrong PIN from a script fails with the card's code; nothing is ordered.
    const auto wrong_pin = follow_up("Demo Pseudonym", "pseudo@example.de", "000000");
    EXPECT_EQ(wrong_pin.status, 2) << wrong_pin.output;
    EXPECT_THAT(wrong_pin.output, HasSubstr("card.pin_incorrect"));
    EXPECT_THAT(wrong_pin.output, ::testing::Not(HasSubstr("000000")));

    // The PIN-pad card: the holder is told to type on the reader, and the order goes through.
    const auto pinpad = follow_up(
        "Demo PIN-Pad", "petra@example.de", "", pinpad_fake_module(),
        "SIGCARD_PINPAD_FAKE_CONFIG=" + (dir() / "cards" / "pinpad-reader.conf").string());
    EXPECT_EQ(pinpad.status, 0) << pinpad.output;
    EXPECT_THAT(pinpad.output, HasSubstr("Bitte PIN am Kartenleser eingeben"));

    // Answered questions: a changed name leads to a new order, pre-filled from the certificate.
    const auto changed = dialogue("Demo Rechtsanwaeltin", {"y"});
    EXPECT_EQ(changed.status, 6) << changed.output;
    EXPECT_THAT(changed.output, HasSubstr("new order with identification"));
    EXPECT_THAT(changed.output, HasSubstr("Rechtsanwaltskammer K"));
    // A refused postcode is asked again (once: the billing address is the shipping address),
    // named in the web's words, then signed. The terms' address is shown before consent.
    const auto asked =
        dialogue("Demo Geschaeftsfuehrer",
                 {"n", "thomas@example.de", "0221 1234567", "", "Muster Handels GmbH",
                  "Domstraße 1", "", "1234", "Köln", "", "", "", "kurz", "kurz",
                  "Sperr-Kennwort 2026", "Sperr-Kennwort 2026", "y", "50667", "y", kDemoPin});
    EXPECT_EQ(asked.status, 0) << asked.output;
    EXPECT_THAT(asked.output, HasSubstr("Shipping address – Postcode: This postcode does not fit "
                                        "the selected country. [field.postal_code_invalid]"));
    EXPECT_THAT(asked.output, ::testing::Not(HasSubstr("Billing address – Postcode:")));
    EXPECT_LT(asked.output.find("/terms/"), asked.output.find("Do you agree"));
    // The revocation password: asked again when too short, never shown, stored as a hash.
    EXPECT_THAT(asked.output, HasSubstr("[field.revocation_password_too_short]"));
    EXPECT_THAT(asked.output, ::testing::Not(HasSubstr("Sperr-Kennwort 2026")));
    {
        storage::Database db(database_url(), 1);
        std::string hash;
        db.with_session([&](soci::session& s) {
            s << "SELECT d.revocation_password_hash FROM order_drafts d JOIN orders o ON "
                 "o.nonce = d.nonce WHERE o.order_data LIKE '%thomas@example.de%'",
                soci::into(hash);
        });
        EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
    }
    EXPECT_THAT(asked.output, HasSubstr("Your order number: FA-"));
    EXPECT_THAT(asked.output, HasSubstr("Domstraße 1"));  // the whole document was shown
    EXPECT_THAT(asked.output, ::testing::Not(HasSubstr(std::string(": ") + kDemoPin)));

    // Without --token, with every demo card in reach: a script is told to choose, once and in
    // its language; a holder answering questions is asked which card.
    const auto scripted = run_command(fmt::format(
        "printf '%s\\n' {} | {} {} follow-up --portal {} --module {} --ca-file {} --data {} --yes",
        kDemoPin, softhsm_env(), sigcard_binary(), portal_url_, SOFTHSM2_MODULE,
        (dir() / "ca" / "root.pem").string(), order_data("several@example.de").string()));
    EXPECT_EQ(scripted.status, 2) << scripted.output;
    EXPECT_THAT(scripted.output, HasSubstr("Fehler [terminal.several_cards]: Es stecken mehrere"));
    EXPECT_THAT(scripted.output, ::testing::Not(HasSubstr("Several signature cards")));
    const auto chooser = run_command(fmt::format(
        "printf '%s\\n' x | {} {} follow-up --portal {} --module {} --ca-file {} --lang en",
        softhsm_env(), sigcard_binary(), portal_url_, SOFTHSM2_MODULE,
        (dir() / "ca" / "root.pem").string()));
    EXPECT_THAT(chooser.output, HasSubstr("Several signature cards are in reach"));
    EXPECT_THAT(chooser.output, HasSubstr("Erika Mustermann, valid until"));
    EXPECT_THAT(chooser.output, HasSubstr("Anna Schmitz, valid until"));
    EXPECT_THAT(chooser.output, HasSubstr("Please enter one of the numbers above."));

    // Back office: two approvers, each with the operator card (PIN typed), then production.
    const auto approve_with = [&](const char* token) {
        return run_command(fmt::format(
            "echo 123456 | {} {} order approve {} --dir {} --module {} --token '{}' --lang en",
            softhsm_env(), sigcard_binary(), order, dir().string(), SOFTHSM2_MODULE, token));
    };
    const auto first = approve_with("Demo Op Anna Freigabe");
    ASSERT_EQ(first.status, 0) << first.output;
    EXPECT_THAT(first.output, HasSubstr("\"decision\": \"approve\""));  // shown before signing
    EXPECT_THAT(first.output, HasSubstr("approval 1 of 2"));
    const auto anna_again = approve_with("Demo Op Anna Freigabe");
    EXPECT_NE(anna_again.status, 0);
    EXPECT_THAT(anna_again.output, HasSubstr("approval.same_operator"));
    const auto by_holder = approve_with("Demo Partnerkarte");
    EXPECT_NE(by_holder.status, 0);
    EXPECT_THAT(by_holder.output, HasSubstr("operator.not_found"));
    EXPECT_THAT(sigcard(fmt::format("order show {} --dir {}", order, dir().string())).output,
                HasSubstr("state:        submitted"));
    const auto by_bernd = approve_with("Demo Op Bernd Freigabe");
    ASSERT_EQ(by_bernd.status, 0) << by_bernd.output;
    EXPECT_THAT(by_bernd.output, HasSubstr("is approved (second approval)"));
    const auto produce =
        sigcard(fmt::format("card produce --order {} --label {} "
                            "--transport-pin 123456 --pin-letter {} --dir {}",
                            order, quoted("Erika Folgekarte"),
                            (tmp_.path() / "pin-letter.pdf").string(), dir().string()));
    ASSERT_EQ(produce.status, 0) << produce.output;
    // The activation code, as the holder reads it in the PIN letter.
    const auto letter = run_command("pdftotext -enc UTF-8 " +
                                    (tmp_.path() / "pin-letter.pdf").string() + " -");
    const auto activation_code =
        capture(letter.output, R"(\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b)");
    ASSERT_FALSE(activation_code.empty()) << letter.output;
    const auto new_serial = capture(produce.output, R"(certificate serial ([0-9a-f]+))");
    const auto old_serial = old_certificate_serial("erika-mustermann");
    EXPECT_EQ(certificate(new_serial).status, pki::CertificateStatus::on_hold);
    EXPECT_EQ(profile(new_serial), profile(old_serial));
    const auto old_card = card(old_serial);
    const auto new_card = card(new_serial);
    ASSERT_TRUE(old_card && new_card);
    EXPECT_EQ(new_card->replaces_card_id, old_card->id);
    EXPECT_EQ(new_card->remote_renewals, old_card->remote_renewals + 1);
    EXPECT_EQ(new_card->identified_at, old_card->identified_at);
    EXPECT_EQ(new_card->identification_method, old_card->identification_method);
    // Produced, not yet sent: PIN and activation code come out once, in the letter only.
    EXPECT_THAT(produce.output, HasSubstr("PIN letter (PIN and activation code, printed once)"));
    EXPECT_THAT(produce.output, ::testing::Not(HasSubstr(activation_code)));
    EXPECT_THAT(sigcard(fmt::format("order show {} --dir {}", order, dir().string())).output,
                HasSubstr("state:        in_production"));
    const auto untracked =
        sigcard(fmt::format("order ship {} --card-tracking 'JJ 1;rm' --dir {}", order, dir().string()));
    EXPECT_NE(untracked.status, 0);
    EXPECT_THAT(untracked.output, HasSubstr("shipping.tracking_invalid"));
    const auto sent = sigcard(fmt::format(
        "order ship {} --card-tracking JJD0001234567 --letter-tracking RR123456789DE --dir {}",
        order, dir().string()));
    ASSERT_EQ(sent.status, 0) << sent.output;
    EXPECT_THAT(sigcard(fmt::format("order show {} --dir {}", order, dir().string())).output,
                HasSubstr("state:        shipped"));
    // The shipping mail, once, sent by the running portal from the stored state.
    const auto shipped = sink.wait_for_mail("Ihre neue Signaturkarte ist unterwegs");
    ASSERT_FALSE(shipped.empty()) << "no shipping mail";
    EXPECT_THAT(shipped, HasSubstr(order));
    EXPECT_THAT(shipped, HasSubstr("To: erika@example.de"));
    // Shipped: the invoice, numbered, at the price the holder signed, mailed as PDF and in the
    // accounting export.
    const auto invoice_mail = sink.wait_for_mail("Rechnung 20");
    ASSERT_FALSE(invoice_mail.empty()) << "no invoice mail";
    EXPECT_THAT(invoice_mail, HasSubstr("Content-Type: application/pdf"));
    EXPECT_THAT(invoice_mail, HasSubstr("94,01 EUR"));
    const auto today = iso_date(unix_now());
    const auto exported = sigcard(fmt::format("invoices export --from {} --to {} --dir {}", today,
                                              today, dir().string()));
    ASSERT_EQ(exported.status, 0) << exported.output;
    EXPECT_THAT(exported.output, ::testing::ContainsRegex(
                                     "\"" + today.substr(0, 4) + "-000001\",[0-9-]+,\"" +
                                     order + "\",.*,79.00,19,15.01,94.01"));
    // Until receipt the new card cannot order anything.
    expect_refused("Erika Folgekarte", "eligibility.certificate_on_hold");

    // The holder's own confirmation of receipt refuses what is not the new card's signature over
    // the statement issued for this order, and changes nothing then.
    {
        // SoftHSM2 serves one store per process: the trust center (HSM) and the cards (card
        // store) take turns here.
        const auto now = unix_now();
        const auto statement = [&] {
            authority::TrustCenter tc(dir());
            authority::TrustCenterOrders desk(tc);
            return authority::receipt_statement(desk, order, now);
        }();
        EXPECT_THAT(statement.text, HasSubstr(order));
        const auto by_old_card = sign_with_card(dir(), "Demo Erika Mustermann", statement.text);
        const auto by_new_card = sign_with_card(dir(), "Erika Folgekarte", statement.text, "123456");
        authority::TrustCenter tc(dir());
        authority::TrustCenterOrders desk(tc);
        const auto refused_with = [&](std::span<const std::uint8_t> cms, std::int64_t issued_at) {
            try {
                authority::confirm_receipt_signed(desk, order, issued_at, cms, now);
            } catch (const Error& e) {
                return std::string(e.id());
            }
            return std::string("accepted");
        };
        EXPECT_EQ(refused_with(by_old_card, now), "receipt.wrong_card");
        const std::string garbage = "not a CMS";
        EXPECT_EQ(refused_with(ossl::as_bytes(garbage), now), "receipt.signature_invalid");
        // Signed, but for another moment than the one issued: the statement differs.
        EXPECT_EQ(refused_with(by_new_card, now - 1), "receipt.signature_invalid");
        EXPECT_EQ(refused_with(by_new_card, now - authority::receipt_statement_lifetime - 1),
                  "receipt.expired");
        EXPECT_EQ(certificate(new_serial).status, pki::CertificateStatus::on_hold);
        EXPECT_THAT(sigcard(fmt::format("order show {} --dir {}", order, dir().string())).output,
                    HasSubstr("state:        shipped"));
    }

    // Receipt with the activation code from the PIN letter: refused after its deadline and when
    // wrong (counted), then the right code releases the hold; used once, it no longer works.
    {
        authority::TrustCenter tc(dir());
        authority::TrustCenterOrders desk(tc);
        const auto now = unix_now();
        const auto refused_with = [&](const std::string& code, std::int64_t at) {
            try {
                authority::confirm_receipt_with_code(desk, order, Secret(code), at);
            } catch (const Error& e) {
                return std::string(e.id());
            }
            return std::string("activated");
        };
        const auto late = now + (tc.config().policy.activation_days + 1) * 86400LL;
        EXPECT_EQ(refused_with(activation_code, late), "receipt.code_expired");
        EXPECT_EQ(refused_with("AAAA-BBBB-CCCC", now), "receipt.code_wrong");
        EXPECT_EQ(certificate(new_serial).status, pki::CertificateStatus::on_hold);
        EXPECT_EQ(authority::confirm_receipt_with_code(desk, order, Secret(activation_code), now),
                  new_serial);
        EXPECT_EQ(refused_with(activation_code, now), "order.not_shipped");
    }
    EXPECT_EQ(certificate(new_serial).status, pki::CertificateStatus::good);
    EXPECT_EQ(card(new_serial)->state, cards::CardState::active);
    EXPECT_THAT(sigcard(fmt::format("order show {} --dir {}", order, dir().string())).output,
                HasSubstr("state:        active"));

    // Revocation with the card refuses what is not this card's own signature over the statement
    // issued for its certificate, and revokes nothing then.
    {
        const auto now = unix_now();
        const auto der = certificate(new_serial).der;
        const auto statement = [&] {
            authority::TrustCenter tc(dir());
            authority::TrustCenterOrders desk(tc);
            return authority::revocation_statement(desk, der, now);
        }();
        EXPECT_THAT(statement.text, HasSubstr(new_serial));
        const auto by_old_card = sign_with_card(dir(), "Demo Erika Mustermann", statement.text);
        const auto by_new_card = sign_with_card(dir(), "Erika Folgekarte", statement.text, "123456");
        authority::TrustCenter tc(dir());
        authority::TrustCenterOrders desk(tc);
        const auto refused_with = [&](std::span<const std::uint8_t> certificate_der,
                                      std::span<const std::uint8_t> cms, std::int64_t issued_at) {
            try {
                authority::revoke_with_card(desk, certificate_der, issued_at, cms, now);
            } catch (const Error& e) {
                return std::string(e.id());
            }
            return std::string("revoked");
        };
        EXPECT_EQ(refused_with(der, by_old_card, now), "revocation.signature_invalid");
        const std::string garbage = "not a CMS";
        EXPECT_EQ(refused_with(der, ossl::as_bytes(garbage), now), "revocation.signature_invalid");
        EXPECT_EQ(refused_with(der, by_new_card, now - 1), "revocation.signature_invalid");
        EXPECT_EQ(refused_with(der, by_new_card,
                               now - authority::revocation_statement_lifetime - 1),
                  "revocation.statement_expired");
        // Not a holder certificate of this trust center: the issuing CA's, and no certificate.
        const auto issuing = ossl::to_der(tc.issuing_ca().certificate);
        EXPECT_EQ(refused_with(issuing, by_new_card, now), "revocation.no_certificate");
        EXPECT_EQ(refused_with(ossl::as_bytes(garbage), by_new_card, now),
                  "revocation.no_certificate");
        EXPECT_EQ(certificate(new_serial).status, pki::CertificateStatus::good);
        EXPECT_EQ(card(new_serial)->state, cards::CardState::active);
    }

    // Second generation: the new card's validity has only begun, so the window is widened.
    set_renewal_window(2000);
    start_portal();
    const auto second = place_order("Erika Folgekarte", "erika2@example.de");
    EXPECT_NE(second, order);
    const auto second_shown =
        sigcard(fmt::format("order show {} --dir {}", second, dir().string())).output;
    EXPECT_THAT(second_shown, HasSubstr("certificate " + new_serial));
    EXPECT_THAT(second_shown, HasSubstr("state:        submitted"));

    // The audit log holds, and a changed row is named.
    const auto intact = sigcard("audit verify --dir " + dir().string());
    EXPECT_EQ(intact.status, 0) << intact.output;
    EXPECT_THAT(intact.output, HasSubstr("intact"));
    portal_.reset();
    storage::Database(database_url(), 1).with_session([](soci::session& s) {
        s << "UPDATE audit_log SET details = '{}' WHERE seq = 5";
    });
    const auto broken = sigcard("audit verify --dir " + dir().string());
    EXPECT_EQ(broken.status, 3) << broken.output;
    EXPECT_THAT(broken.output, HasSubstr("seq 5"));
}

INSTANTIATE_TEST_SUITE_P(Databases, FollowUpEndToEndTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sigcard::testing
