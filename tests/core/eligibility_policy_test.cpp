#include "follow_up/eligibility_policy.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1795000000;  // 2026-11-18

EligibilityFacts eligible_card() {
    EligibilityFacts f;
    f.standing = CertificateStanding::valid;
    f.certificate_not_after = kNow + 30 * kDay;
    f.card = cards::CardRecord{7, false, std::nullopt, kNow - 3 * 365 * kDay, 0};
    return f;
}

std::string reason(const EligibilityDecision& d) {
    return d.refusal ? std::string(d.refusal->id) : "eligible";
}

const EligibilityPolicy policy{config::Policy{}};

TEST(EligibilityPolicy, AValidDirectCardInsideTheWindowIsEligible) {
    EXPECT_TRUE(policy.decide(eligible_card(), kNow).eligible());
}

TEST(EligibilityPolicy, EachCertificateStandingHasItsReason) {
    const std::pair<CertificateStanding, const char*> cases[] = {
        {CertificateStanding::foreign, "eligibility.foreign_certificate"},
        {CertificateStanding::invalid, "eligibility.certificate_invalid"},
        {CertificateStanding::expired, "eligibility.certificate_expired"},
        {CertificateStanding::not_yet_valid, "eligibility.certificate_not_yet_valid"},
        {CertificateStanding::revoked, "eligibility.certificate_revoked"},
        {CertificateStanding::on_hold, "eligibility.certificate_on_hold"},
        {CertificateStanding::status_unavailable, "eligibility.revocation_status_unavailable"},
    };
    for (const auto& [standing, code] : cases) {
        auto f = eligible_card();
        f.standing = standing;
        EXPECT_EQ(reason(policy.decide(f, kNow)), code);
    }
}

TEST(EligibilityPolicy, ExpiredAndRevokedCardsAreLedToANewOrder) {
    auto f = eligible_card();
    f.standing = CertificateStanding::revoked;
    EXPECT_TRUE(policy.decide(f, kNow).new_order_instead);
    f.standing = CertificateStanding::valid;
    f.certificate_not_after = kNow - 1;
    const auto d = policy.decide(f, kNow);
    EXPECT_EQ(reason(d), "eligibility.certificate_expired");
    EXPECT_TRUE(d.new_order_instead);
}

TEST(EligibilityPolicy, TheWindowOpensNinetyDaysBeforeExpiry) {
    auto f = eligible_card();
    f.certificate_not_after = kNow + 91 * kDay;
    const auto d = policy.decide(f, kNow);
    EXPECT_EQ(reason(d), "eligibility.outside_renewal_window");
    EXPECT_EQ(d.window_opens_at.value_or(0), kNow + kDay);
    f.certificate_not_after = kNow + 90 * kDay;
    EXPECT_TRUE(policy.decide(f, kNow).eligible());
}

TEST(EligibilityPolicy, APartnerCardNamesThePartner) {
    auto f = eligible_card();
    f.card->sold_by_partner = true;
    f.card->partner =
        cards::Partner{"Kammer-Service GmbH", "karten@kammer-service.example", "+49 221 0", ""};
    const auto d = policy.decide(f, kNow);
    EXPECT_EQ(reason(d), "eligibility.partner_card");
    ASSERT_TRUE(d.partner);
    EXPECT_EQ(d.partner->name, "Kammer-Service GmbH");
    EXPECT_FALSE(d.new_order_instead);
}

TEST(EligibilityPolicy, IdentificationOlderThanTenYearsNeedsANewOrder) {
    auto f = eligible_card();
    f.card->identified_at = kNow - 11 * 365 * kDay;
    const auto d = policy.decide(f, kNow);
    EXPECT_EQ(reason(d), "eligibility.identification_too_old");
    EXPECT_TRUE(d.new_order_instead);
}

TEST(EligibilityPolicy, TheChainOfRemoteRenewalsEnds) {
    auto f = eligible_card();
    f.card->remote_renewals = 1;
    EXPECT_TRUE(policy.decide(f, kNow).eligible());
    f.card->remote_renewals = 2;
    EXPECT_EQ(reason(policy.decide(f, kNow)), "eligibility.too_many_remote_renewals");
}

TEST(EligibilityPolicy, PolicyValuesComeFromTheConfiguration) {
    config::Policy values;
    values.renewal_window_days = 10;
    values.max_remote_renewals = 5;
    EligibilityPolicy custom(values);
    auto f = eligible_card();
    f.card->remote_renewals = 4;
    EXPECT_EQ(reason(custom.decide(f, kNow)), "eligibility.outside_renewal_window");
    f.certificate_not_after = kNow + 5 * kDay;
    EXPECT_TRUE(custom.decide(f, kNow).eligible());
}

TEST(EligibilityPolicy, ASecondOrderShowsTheFirst) {
    auto f = eligible_card();
    f.open_order_number = "SC-2026-000123";
    const auto d = policy.decide(f, kNow);
    EXPECT_EQ(reason(d), "eligibility.open_order_exists");
    EXPECT_EQ(d.open_order_number.value_or(""), "SC-2026-000123");
}

TEST(EligibilityPolicy, ACertificateWithoutCardRecordIsRefused) {
    auto f = eligible_card();
    f.card.reset();
    EXPECT_EQ(reason(policy.decide(f, kNow)), "eligibility.card_unknown");
}

}  // namespace
}  // namespace sigcard::orders
