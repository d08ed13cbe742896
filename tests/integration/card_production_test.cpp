// Card production end to end: `sigcard card produce` on the trust center's SoftHSM2 token store,
// checked from the outside with openssl and pkcs11-tool and in the card register.
#include "integration/integration_support.hpp"

#include "authority/card_production.hpp"
#include "authority/trust_center.hpp"
#include "smartcard/card_certificates.hpp"
#include "cards/card_register.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"
#include "storage/database.hpp"

#include <gmock/gmock.h>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t k2024_05_02 = 1714608000;  // 2024-05-02T00:00:00Z

struct Produced {
    std::string card_serial;
    std::string certificate_serial;
};

class CardProductionTest : public TrustCenterTest {
protected:
    Produced produce(const std::string& label, const std::string& extra = {}) {
        const auto result =
            sigcard(fmt::format("card produce --dir {} --label {} --given-name Erika "
                                "--surname Mustermann --serial-number T-0001 "
                                "--identification postident --identified-on 2024-05-02 "
                                "--transport-pin 246810 {}",
                                dir().string(), quoted(label), extra));
        EXPECT_EQ(result.status, 0) << result.output;
        return {capture(result.output, R"(Produced card (\S+) )"),
                capture(result.output, R"(certificate serial ([0-9a-f]+))")};
    }

    std::vector<cards::CardEntry> register_entries() {
        storage::Database db(database_url(), 1);
        return cards::CardRegister(db).list();
    }

    // The issued certificate as the certificate store recorded it, written out as PEM.
    std::filesystem::path issued_certificate(const std::string& serial) {
        storage::Database db(database_url(), 1);
        const auto record = pki::CertificateStore(db).find(serial);
        EXPECT_TRUE(record);
        EXPECT_EQ(record->role, pki::CertificateRole::holder);
        const auto path = tmp_.path() / (serial + ".pem");
        std::ofstream(path) << ossl::to_pem(ossl::x509_from_der(record->der).get());
        return path;
    }

    std::string verify(const std::filesystem::path& cert) {
        return run_command(fmt::format("openssl verify -CAfile {} -untrusted {} {}",
                                       (dir() / "ca/root.pem").string(),
                                       (dir() / "ca/issuing.pem").string(), cert.string()))
            .output;
    }
};

TEST_F(CardProductionTest, ProducedCardVerifiesShowsOnTheTokenAndIsRegistered) {
    const auto produced = produce("Test Erika Mustermann");
    ASSERT_EQ(produced.certificate_serial.size(), 32U);

    const auto cert = issued_certificate(produced.certificate_serial);
    EXPECT_THAT(verify(cert), HasSubstr(cert.filename().string() + ": OK"));

    const auto objects =
        pkcs11_tool("--token-label 'Test Erika Mustermann' --login --pin 246810 --list-objects");
    ASSERT_EQ(objects.status, 0) << objects.output;
    EXPECT_THAT(objects.output, HasSubstr("label:      Qualified signature certificate"));
    EXPECT_THAT(objects.output, HasSubstr("CN=Erika Mustermann"));
    EXPECT_THAT(objects.output, HasSubstr("label:      Qualified CA"));
    EXPECT_THAT(objects.output, HasSubstr("label:      Root CA"));
    EXPECT_THAT(objects.output, HasSubstr("Private Key Object; EC"));
    EXPECT_THAT(objects.output,
                HasSubstr("Access:     sensitive, always sensitive, never extractable, local"));

    const auto entries = register_entries();
    ASSERT_EQ(entries.size(), 1U);
    const auto& card = entries.front();
    EXPECT_EQ(card.card_serial, produced.card_serial);
    EXPECT_EQ(card.token_label, "Test Erika Mustermann");
    EXPECT_EQ(card.certificate_serial, produced.certificate_serial);
    EXPECT_FALSE(card.partner_id);  // sold directly
    EXPECT_EQ(card.identification_method, cards::IdentificationMethod::postident);
    EXPECT_EQ(card.identified_at, k2024_05_02);
    EXPECT_FALSE(card.replaces_card_id);
    EXPECT_EQ(card.state, cards::CardState::produced);
}

TEST_F(CardProductionTest, CardSoldByPartnerIsRecordedWithThePartner) {
    const auto added =
        sigcard(fmt::format("partner add --dir {} --name 'Kanzlei-Service AG' "
                            "--email karten@kanzlei-service.example",
                            dir().string()));
    ASSERT_EQ(added.status, 0) << added.output;
    const auto partner_id = std::stoll(capture(added.output, R"(\((\d+)\))"));

    const auto produced = produce("Test Partner", "--partner 'Kanzlei-Service AG'");
    const auto entries = register_entries();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries.front().certificate_serial, produced.certificate_serial);
    ASSERT_TRUE(entries.front().partner_id);
    EXPECT_EQ(*entries.front().partner_id, partner_id);
}

TEST_F(CardProductionTest, Rsa3072CardVerifiesAndHoldsAnRsaKey) {
    const auto produced = produce("Test RSA", "--key rsa-3072");
    const auto cert = issued_certificate(produced.certificate_serial);
    EXPECT_THAT(verify(cert), HasSubstr(": OK"));
    EXPECT_THAT(run_command("openssl x509 -noout -text -in " + cert.string()).output,
                HasSubstr("Public-Key: (3072 bit)"));
    const auto objects =
        pkcs11_tool("--token-label 'Test RSA' --login --pin 246810 --list-objects");
    EXPECT_THAT(objects.output, HasSubstr("Private Key Object; RSA"));
    EXPECT_THAT(objects.output, HasSubstr("never extractable"));
}

TEST_F(CardProductionTest, UnknownPartnerIsRefusedAndNothingIsProduced) {
    const auto tokens_before = token_count();
    const auto before = snapshot(dir());
    const auto result = sigcard(
        fmt::format("card produce --dir {} --label 'Test Nobody' --given-name Max --surname Muster "
                    "--serial-number T-0002 --identified-on 2024-05-02 --partner 'Unbekannt GmbH'",
                    dir().string()));
    EXPECT_EQ(result.status, 2);
    EXPECT_THAT(result.output, HasSubstr("error [partner.unknown]"));
    EXPECT_EQ(token_count(), tokens_before);
    EXPECT_TRUE(register_entries().empty());
    EXPECT_EQ(changes(before, snapshot(dir())), "");
}

// In process (the only test here that opens the token store itself): the card's own view of
// the key and the certificate, and the follow-up card's link to the card it replaces.
TEST_F(CardProductionTest, FollowUpCardCarriesTheProfileAndItsKeyNeverLeavesTheCard) {
    authority::TrustCenter tc(dir());
    pki::HolderProfile holder;
    holder.given_name = "Anna";
    holder.surname = "Schmitz";
    holder.serial_number = "T-0003";
    holder.country = "DE";
    holder.admission = pki::Admission{
        "Rechtsanwaltskammer Köln",
        {{{"Rechtsanwältin"}, {pki::oid::profession_rechtsanwalt}, "RAK-K-2015-4711"}}};
    holder.procuration =
        pki::Procuration{"DE", "Geschäftsführerin", "Muster Handels GmbH", "HRB 12345"};
    holder.restriction = "Nur für Schriftsätze";

    authority::CardOrder first;
    first.holder = holder;
    first.token_label = "Test Anna 1";
    first.transport_pin = Secret("135790");
    first.identification_method = cards::IdentificationMethod::in_person;
    first.identified_at = k2024_05_02;
    const auto old_card = authority::produce_card(tc, first);

    authority::CardOrder follow_up = first;
    follow_up.token_label = "Test Anna 2";
    follow_up.replaces_card_id = old_card.card_id;
    follow_up.remote_renewals = 1;
    const auto new_card = authority::produce_card(tc, follow_up);

    // The card is in the card store, which another process reads (as a holder's reader would).
    const auto der_file = dir() / "on-card.der";
    const auto read = pkcs11_tool(
        fmt::format("--token-label 'Test Anna 2' --read-object --type cert --label 'Qualified "
                    "signature certificate' --output-file {}",
                    der_file.string()));
    ASSERT_EQ(read.status, 0) << read.output;
    const auto der = read_text(der_file);
    const auto on_card = ossl::x509_from_der(ossl::as_bytes(der));
    ASSERT_TRUE(on_card);
    EXPECT_EQ(ossl::to_der(on_card.get()), ossl::to_der(new_card.certificate.get()));
    EXPECT_EQ(pki::read_holder_profile(on_card.get()), holder);

    const auto objects =
        pkcs11_tool("--token-label 'Test Anna 2' --login --pin 135790 --list-objects");
    ASSERT_EQ(objects.status, 0) << objects.output;
    EXPECT_THAT(objects.output,
                HasSubstr("Access:     sensitive, always sensitive, never extractable, local"));

    cards::CardRegister reg(tc.database());
    const auto entry = reg.find(new_card.card_id);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->certificate_serial, new_card.certificate_serial);
    ASSERT_TRUE(entry->replaces_card_id);
    EXPECT_EQ(*entry->replaces_card_id, old_card.card_id);
    EXPECT_EQ(entry->remote_renewals, 1);
    EXPECT_EQ(entry->identification_method, cards::IdentificationMethod::in_person);
    EXPECT_EQ(entry->identified_at, k2024_05_02);
}

TEST_F(CardProductionTest, ACardWriterThatFailsLeavesNoCardInTheRegister) {
    // The writer process dies before it answers (a station switched off): an error with its
    // code, and neither a register entry nor an issued certificate.
    const auto result = run_command(fmt::format(
        "SIGCARD_CARD_WRITER=/bin/false {} card produce --dir {} --label 'Test Lost' --given-name "
        "Erika --surname Mustermann --serial-number T-0002 --identification postident "
        "--identified-on 2024-05-02 --transport-pin 246810",
        sigcard_binary(), dir().string()));
    EXPECT_EQ(result.status, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("production.card_writer_failed"));
    EXPECT_TRUE(register_entries().empty());
    storage::Database db(database_url(), 1);
    long long holders = 0;
    db.with_session([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM certificates WHERE role = 'holder'", soci::into(holders);
    });
    EXPECT_EQ(holders, 0);
}

}  // namespace
}  // namespace sigcard::testing
