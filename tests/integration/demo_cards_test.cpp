// `sigcard demo cards`: every demo card has the property it stands for, and the follow-up order
// policy gives each one the answer its table row promises.
#include "integration/integration_support.hpp"

#include "authority/demo_cards.hpp"
#include "cards/card_register.hpp"
#include "config/trust_center_config.hpp"
#include "follow_up/eligibility_policy.hpp"
#include "pki/certificate_store.hpp"
#include "pki/path_validation.hpp"
#include "pki/qualified_profile.hpp"
#include "storage/database.hpp"

#include <gmock/gmock.h>

#include <chrono>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;
constexpr std::int64_t kDay = 86400;

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

orders::CertificateStanding standing(const pki::ValidationResult& result) {
    using S = pki::ValidationStatus;
    using C = orders::CertificateStanding;
    switch (result.status) {
        case S::ok:
            return C::valid;
        case S::expired:
            return C::expired;
        case S::not_yet_valid:
            return C::not_yet_valid;
        case S::revoked:
            return C::revoked;
        case S::on_hold:
            return C::on_hold;
        case S::not_issued_by_this_ca:
        case S::unknown_to_this_ca:
            return C::foreign;
        case S::revocation_status_unavailable:
            return C::status_unavailable;
        default:
            return C::invalid;
    }
}

class DemoCardsTest : public TrustCenterTest {
protected:
    void SetUp() override {
        TrustCenterTest::SetUp();
        demo_ = sigcard("demo cards --dir " + dir().string());
        ASSERT_EQ(demo_.status, 0) << demo_.output;
    }

    ossl::X509Ptr certificate(const authority::DemoCardSpec& spec) {
        return ossl::x509_from_pem(read_text(dir() / "cards" / (spec.slug + ".pem")));
    }

    // Each check is a method so that one demo set (about five seconds of token writes) serves
    // them all.
    void expect_table_and_locations();
    void expect_intended_properties();
    void expect_follow_up_answers();
    void expect_openssl_verifies_usable_cards();

    CommandResult demo_;
};

void DemoCardsTest::expect_table_and_locations() {
    for (const auto& spec : authority::demo_card_set()) {
        EXPECT_THAT(demo_.output, HasSubstr(spec.token_label));
        EXPECT_TRUE(std::filesystem::exists(dir() / "cards" / (spec.slug + ".pem"))) << spec.slug;
    }
    EXPECT_EQ(authority::demo_card_set().size(), 9U);
    EXPECT_THAT(demo_.output,
                HasSubstr("SOFTHSM2_CONF=" + (dir() / "card-store/softhsm2.conf").string()));
    EXPECT_THAT(demo_.output, HasSubstr(std::string("PKCS#11 module: ") + SOFTHSM2_MODULE));
    EXPECT_THAT(demo_.output, HasSubstr("FAKE PIN-pad module: " +
                                        std::filesystem::canonical(pinpad_fake_module()).string()));
    EXPECT_THAT(read_text(dir() / "cards/README.txt"), HasSubstr("Demo Erika Mustermann"));
}

void DemoCardsTest::expect_intended_properties() {
    storage::Database db(database_url(), 1);
    cards::CardRegister reg(db);
    pki::CertificateStore store(db);
    const auto now = now_seconds();
    const auto partner = reg.find_partner(authority::kDemoPartnerName);
    ASSERT_TRUE(partner);
    EXPECT_FALSE(partner->partner.contact_email.empty());
    EXPECT_FALSE(partner->partner.contact_phone.empty());
    EXPECT_FALSE(partner->partner.website.empty());

    for (const auto& spec : authority::demo_card_set()) {
        SCOPED_TRACE(spec.slug);
        const auto cert = certificate(spec);
        ASSERT_TRUE(cert);
        const auto serial = ossl::serial_hex(cert.get());
        const auto card = reg.find_by_certificate(serial);
        ASSERT_TRUE(card);
        EXPECT_EQ(card->token_label, spec.token_label);
        EXPECT_NEAR(card->identified_at, now - spec.identified_days_ago * kDay, 120);
        const auto not_after =
            ossl::to_seconds(X509_get0_notAfter(cert.get())).time_since_epoch().count();
        if (spec.validity == authority::DemoValidity::expired) {
            EXPECT_LT(not_after, now);
        } else {
            EXPECT_NEAR(not_after, now + 60 * kDay, 120);
        }
        const auto record = store.find(serial);
        ASSERT_TRUE(record);
        if (spec.revoked) {
            EXPECT_EQ(record->status, pki::CertificateStatus::revoked);
            EXPECT_EQ(record->reason, pki::RevocationReason::key_compromise);
            EXPECT_EQ(card->state, cards::CardState::revoked);
        } else {
            EXPECT_EQ(record->status, pki::CertificateStatus::good);
        }
        EXPECT_EQ(card->partner_id.has_value(), spec.sold_by_partner);
        if (spec.sold_by_partner) {
            EXPECT_EQ(*card->partner_id, partner->id);
        }
        EXPECT_EQ(pki::read_holder_profile(cert.get()), spec.holder);
    }

    const auto& set = authority::demo_card_set();
    auto profile_of = [&](const std::string& slug) {
        const auto it =
            std::find_if(set.begin(), set.end(), [&](auto& s) { return s.slug == slug; });
        return pki::read_holder_profile(certificate(*it).get());
    };
    EXPECT_EQ(profile_of("pseudonym").common_name(), "Sonnenschein:PN");
    EXPECT_TRUE(profile_of("pseudonym").given_name.empty());
    const auto lawyer = profile_of("lawyer");
    ASSERT_TRUE(lawyer.admission);
    EXPECT_EQ(lawyer.admission->authority, "Rechtsanwaltskammer Köln");
    EXPECT_EQ(lawyer.admission->professions.at(0).items.at(0), "Rechtsanwältin");
    EXPECT_EQ(lawyer.admission->professions.at(0).oids.at(0), "1.3.36.8.3.11.1.2");
    EXPECT_FALSE(lawyer.admission->professions.at(0).registration_number.empty());
    const auto director = profile_of("managing-director");
    ASSERT_TRUE(director.procuration);
    EXPECT_EQ(director.procuration->type_of_substitution, "Geschäftsführer");
    EXPECT_EQ(director.procuration->signing_for, "Muster Handels GmbH");
    EXPECT_THAT(director.procuration->register_number, HasSubstr("HRB 12345"));
}

// The table's "expected follow-up answer" is what path validation plus the eligibility policy
// actually decide today.
void DemoCardsTest::expect_follow_up_answers() {
    const auto config = config::TrustCenterConfig::load(dir());
    storage::Database db(database_url(), 1);
    cards::CardRegister reg(db);
    pki::CertificateStore store(db);
    const auto root = ossl::x509_from_pem(read_text(dir() / "ca/root.pem"));
    const auto issuing = ossl::x509_from_pem(read_text(dir() / "ca/issuing.pem"));
    pki::PathValidator::Options options;
    options.own_ocsp_url = config.urls.ocsp;
    pki::PathValidator validator(store, root.get(), issuing.get(), options);
    const orders::EligibilityPolicy policy(config.policy);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

    for (const auto& spec : authority::demo_card_set()) {
        SCOPED_TRACE(spec.slug);
        const auto cert = certificate(spec);
        orders::EligibilityFacts facts;
        facts.standing = standing(validator.validate(cert.get(), now));
        facts.certificate_not_after =
            ossl::to_seconds(X509_get0_notAfter(cert.get())).time_since_epoch().count();
        facts.card = reg.eligibility_record(ossl::serial_hex(cert.get()));
        const auto decision = policy.decide(facts, now.time_since_epoch().count());
        EXPECT_EQ(decision.eligible() ? std::string("eligible") : std::string(decision.refusal->id),
                  spec.expected_answer);
        if (spec.sold_by_partner) {
            ASSERT_TRUE(decision.partner);
            EXPECT_EQ(decision.partner->name, authority::kDemoPartnerName);
        }
    }
}

void DemoCardsTest::expect_openssl_verifies_usable_cards() {
    for (const auto& spec : authority::demo_card_set()) {
        if (spec.validity == authority::DemoValidity::expired) {
            continue;
        }
        const auto pem = dir() / "cards" / (spec.slug + ".pem");
        EXPECT_THAT(run_command(fmt::format("openssl verify -CAfile {} -untrusted {} {}",
                                            (dir() / "ca/root.pem").string(),
                                            (dir() / "ca/issuing.pem").string(), pem.string()))
                        .output,
                    HasSubstr(pem.filename().string() + ": OK"));
    }
}

TEST_F(DemoCardsTest, PinPadCardShowsAPinPadThroughTheFakeReader) {
    const auto config = dir() / "cards/pinpad-reader.conf";
    EXPECT_THAT(read_text(config), HasSubstr(std::string("module=") + SOFTHSM2_MODULE + "\n"));
    EXPECT_THAT(read_text(config), HasSubstr("pin=123456\n"));
    const auto env =
        fmt::format("{} SIGCARD_PINPAD_FAKE_CONFIG={}", softhsm_env(), config.string());
    const auto slots = run_command(
        fmt::format("{} pkcs11-tool --module {} --list-token-slots", env, pinpad_fake_module()));
    ASSERT_EQ(slots.status, 0) << slots.output;
    const auto at = slots.output.find("token label        : Demo PIN-Pad");
    ASSERT_NE(at, std::string::npos) << slots.output;
    // pkcs11-tool prints CKF_PROTECTED_AUTHENTICATION_PATH as "PIN pad present".
    EXPECT_THAT(slots.output.substr(at, slots.output.find("serial num", at) - at),
                HasSubstr("PIN pad present"));
    // No PIN on the command line: the login goes through the pad (a NULL PIN).
    const auto objects =
        run_command(fmt::format("{} pkcs11-tool --module {} --token-label 'Demo PIN-Pad' --login "
                                "--list-objects --type cert",
                                env, pinpad_fake_module()));
    ASSERT_EQ(objects.status, 0) << objects.output;
    EXPECT_THAT(objects.output, HasSubstr("CN=Petra Pinpad"));
}

TEST_F(DemoCardsTest, TheHoldersCardStoreHoldsTheCardsAndNeverTheCasKeys) {
    // What a holder's card agent sees in the demo: every demo card, and not the CA's HSM.
    const auto cards = pkcs11_tool("--list-token-slots");
    ASSERT_EQ(cards.status, 0) << cards.output;
    for (const auto& spec : authority::demo_card_set()) {
        EXPECT_THAT(cards.output, HasSubstr("token label        : " + spec.token_label));
    }
    EXPECT_THAT(cards.output, ::testing::Not(HasSubstr("SigCard CA HSM")));
    // And the HSM holds the CA's keys, and no card.
    const auto hsm = hsm_pkcs11_tool("--list-token-slots");
    EXPECT_THAT(hsm.output, HasSubstr("SigCard CA HSM"));
    EXPECT_THAT(hsm.output, ::testing::Not(HasSubstr("Demo Erika Mustermann")));
}

TEST_F(DemoCardsTest, DemoSetHasEachIntendedCard) {
    expect_table_and_locations();
    expect_intended_properties();
    expect_follow_up_answers();
    expect_openssl_verifies_usable_cards();
}

TEST_F(DemoCardsTest, SecondRunRefusesAndChangesNothing) {
    const auto tokens = token_count();
    const auto before = snapshot(dir());
    const auto again = sigcard("demo cards --dir " + dir().string());
    EXPECT_EQ(again.status, 2);
    EXPECT_THAT(again.output, HasSubstr("error [demo.cards_exist]"));
    EXPECT_EQ(token_count(), tokens);
    EXPECT_EQ(changes(before, snapshot(dir())), "");

    // Without the cards folder (say, deleted by hand) the tokens still give the demo set away.
    std::filesystem::remove_all(dir() / "cards");
    const auto without_folder = snapshot(dir());
    const auto third = sigcard("demo cards --dir " + dir().string());
    EXPECT_EQ(third.status, 2);
    EXPECT_THAT(third.output, HasSubstr("error [demo.cards_exist]"));
    EXPECT_EQ(changes(without_folder, snapshot(dir())), "");
}

}  // namespace
}  // namespace sigcard::testing
