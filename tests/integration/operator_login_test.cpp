// Operators and their card login, on a trust center as `sigcard init`, `demo cards` and
// `demo operators` leave it: the operator's card signs the challenge and they are in; a replayed
// or expired challenge, a holder's card, a revoked operator card, another trust center's card and
// a signature by another card than the one challenged are refused with their codes, and nothing
// is used up. `sigcard operator add|list|remove` with its bad input.
#include "integration/card_signing_support.hpp"
#include "common/clock.hpp"
#include "integration_support.hpp"
#include "operators/operator_login.hpp"
#include "storage/database.hpp"

#include <gtest/gtest.h>

namespace sigcard::testing {
namespace {

constexpr const char* kOrigin = "https://127.0.0.1:8444";

class OperatorLoginTest : public TrustCenterTest {
protected:
    void SetUp() override {
        TrustCenterTest::SetUp();
        for (const auto* step : {"demo cards", "demo operators"}) {
            const auto made = sigcard(std::string(step) + " --dir " + dir().string());
            ASSERT_EQ(made.status, 0) << made.output;
        }
        db = std::make_unique<storage::Database>(database_url(), 1);
    }
    ossl::Bytes certificate(const std::string& slug) {
        return ossl::to_der(ossl::x509_from_pem(read_text(dir() / "cards" / (slug + ".pem"))).get());
    }
    std::string refusal(const std::function<void()>& work) {
        try {
            work();
        } catch (const Error& e) {
            return std::string(e.id());
        }
        return "accepted";
    }
    long long count(const std::string& sql) {
        long long n = 0;
        db->with_session([&](soci::session& s) { s << sql, soci::into(n); });
        return n;
    }
    std::int64_t now = unix_now();
    std::unique_ptr<storage::Database> db;
};

TEST_F(OperatorLoginTest, AnOperatorsCardSignsTheChallengeAndTheOperatorIsIn) {
    operators::OperatorLogin login(*db, "SigCard Demo Trust Center");
    const auto challenge = login.challenge(certificate("operator-anna"), kOrigin, now);
    EXPECT_NE(challenge.text.find("Anna Albers (anna)"), std::string::npos) << challenge.text;
    EXPECT_NE(challenge.text.find(kOrigin), std::string::npos);
    EXPECT_NE(challenge.text.find(challenge.nonce), std::string::npos);
    const auto cms = sign_with_card(dir(), "Demo Op Anna Freigabe", challenge.text);
    const auto who = login.sign_in(challenge.nonce, cms, now + 5);
    EXPECT_EQ(who.name, "anna");
    EXPECT_TRUE(who.has(operators::Role::approver));
    EXPECT_FALSE(who.has(operators::Role::registration_officer));
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'operator.signed_in' AND "
                    "actor = 'operator:anna'"),
              1);
    EXPECT_TRUE(login.current("anna", now + 10));
    // The same signature again: the challenge is used up.
    EXPECT_EQ(refusal([&] { login.sign_in(challenge.nonce, cms, now + 6); }),
              "login.challenge_used");
}

TEST_F(OperatorLoginTest, AnExpiredOrUnknownChallengeAndAnotherCardsSignatureAreRefused) {
    operators::OperatorLogin login(*db, "SigCard Demo Trust Center");
    const auto challenge = login.challenge(certificate("operator-anna"), kOrigin, now);
    const auto cms = sign_with_card(dir(), "Demo Op Anna Freigabe", challenge.text);
    EXPECT_EQ(refusal([&] {
                  login.sign_in(challenge.nonce, cms, now + operators::challenge_lifetime + 1);
              }),
              "login.challenge_expired");
    EXPECT_EQ(refusal([&] { login.sign_in(std::string(32, 'a'), cms, now); }),
              "login.challenge_unknown");
    // Bernd, also an operator, signs Anna's challenge: not the card that was chosen.
    const auto by_bernd = sign_with_card(dir(), "Demo Op Bernd Freigabe", challenge.text);
    EXPECT_EQ(refusal([&] { login.sign_in(challenge.nonce, by_bernd, now + 1); }),
              "login.wrong_card");
    // A signature over another text.
    const auto other_text = sign_with_card(dir(), "Demo Op Anna Freigabe", challenge.text + "x");
    EXPECT_EQ(refusal([&] { login.sign_in(challenge.nonce, other_text, now + 1); }),
              "login.signature_invalid");
    EXPECT_EQ(refusal([&] { login.sign_in(challenge.nonce, ossl::Bytes{0x30, 0x00}, now + 1); }),
              "login.signature_invalid");
    // None of that used the challenge up: the right signature still works.
    EXPECT_EQ(login.sign_in(challenge.nonce, cms, now + 2).name, "anna");
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'operator.signed_in'"), 1);
}

TEST_F(OperatorLoginTest, AHoldersARevokedAndAForeignCardGetNoChallenge) {
    operators::OperatorLogin login(*db, "SigCard Demo Trust Center");
    EXPECT_EQ(refusal([&] { login.challenge(certificate("erika-mustermann"), kOrigin, now); }),
              "login.not_operator");
    EXPECT_EQ(refusal([&] { login.challenge(certificate("operator-olaf"), kOrigin, now); }),
              "login.card_not_valid");
    // Another trust center's card (its own demo operators, the same names and serial numbers).
    TempDir other("sigcard-other-tc");
    ASSERT_EQ(sigcard("init --dir " + (other.path() / "tc").string()).status, 0);
    ASSERT_EQ(sigcard("demo operators --dir " + (other.path() / "tc").string()).status, 0);
    const auto foreign = ossl::to_der(
        ossl::x509_from_pem(read_text(other.path() / "tc" / "cards" / "operator-anna.pem")).get());
    EXPECT_EQ(refusal([&] { login.challenge(foreign, kOrigin, now); }), "login.not_operator");
    EXPECT_EQ(refusal([&] { login.challenge(ossl::Bytes{1, 2, 3}, kOrigin, now); }),
              "login.not_operator");
    EXPECT_EQ(count("SELECT COUNT(*) FROM operator_challenges"), 0);
    // A removed operator's card is a holder's card again.
    ASSERT_EQ(sigcard("operator remove --dir " + dir().string() + " --name bernd").status, 0);
    EXPECT_EQ(refusal([&] { login.challenge(certificate("operator-bernd"), kOrigin, now); }),
              "login.not_operator");
    EXPECT_FALSE(login.current("bernd", now));
}

TEST_F(OperatorLoginTest, OperatorsAreAddedListedAndRemovedAndBadInputChangesNothing) {
    const auto base = "operator add --dir " + dir().string();
    const auto erika = (dir() / "cards" / "erika-mustermann.pem").string();
    const auto before = count("SELECT COUNT(*) FROM operators");
    const std::vector<std::pair<std::string, std::string>> bad{
        {" --name Erika --display-name 'Erika M' --certificate " + erika + " --roles approver",
         "operator.name_invalid"},
        {" --name erika --display-name 'Erika M' --certificate " + erika + " --roles wizard",
         "operator.role_unknown"},
        {" --name erika --display-name 'Erika M' --certificate " + erika + " --roles chamber_staff",
         "operator.chamber_missing"},
        {" --name erika --display-name 'Erika M' --certificate " + erika + " --roles ' , '",
         "operator.roles_missing"},
        {" --name anna --display-name 'Erika M' --certificate " + erika + " --roles approver",
         "operator.exists"},
        {" --name erika --display-name 'Erika M' --certificate " +
             (dir() / "cards" / "revoked.pem").string() + " --roles approver",
         "operator.certificate_not_valid"},
        {" --name erika --display-name 'Erika M' --certificate " +
             (dir() / "ca" / "issuing.pem").string() + " --roles approver",
         "operator.certificate_unknown"},
    };
    for (const auto& [arguments, code] : bad) {
        const auto result = sigcard(base + arguments);
        EXPECT_EQ(result.status, 2) << arguments << "\n" << result.output;
        EXPECT_NE(result.output.find(code), std::string::npos) << arguments << "\n" << result.output;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM operators"), before);
    const auto added = sigcard(base + " --name erika --display-name 'Erika Mustermann' "
                                      "--certificate " + erika + " --roles 'approver, auditor'");
    ASSERT_EQ(added.status, 0) << added.output;
    const auto listed = sigcard("operator list --dir " + dir().string());
    EXPECT_NE(listed.output.find("approver,auditor"), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("10 operator(s)"), std::string::npos) << listed.output;
    const auto last_admin = sigcard("operator remove --dir " + dir().string() + " --name greta");
    EXPECT_NE(last_admin.output.find("operator.last_administrator"), std::string::npos);
    const auto unknown = sigcard("operator remove --dir " + dir().string() + " --name nobody");
    EXPECT_NE(unknown.output.find("operator.not_found"), std::string::npos);
    ASSERT_EQ(sigcard("operator remove --dir " + dir().string() + " --name erika").status, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'operator.%' AND subject = "
                    "'erika'"),
              2);
}

}  // namespace
}  // namespace sigcard::testing
