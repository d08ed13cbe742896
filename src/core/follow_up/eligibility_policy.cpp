#include "follow_up/eligibility_policy.hpp"

#include "follow_up/eligibility_errors.hpp"

#include <ctime>

namespace sigcard::orders {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;

EligibilityDecision refuse(const ErrorCode& code, bool new_order_instead = false) {
    EligibilityDecision d;
    d.refusal = &code;
    d.new_order_instead = new_order_instead;
    return d;
}

// The same calendar day `years` later (29 February → 1 March), in UTC.
std::int64_t add_years(std::int64_t t, int years) {
    const std::time_t time = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&time, &tm);
    tm.tm_year += years;
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

std::int64_t EligibilityPolicy::window_opens(std::int64_t not_after) const {
    return not_after - static_cast<std::int64_t>(values_.renewal_window_days) * kDay;
}

EligibilityDecision EligibilityPolicy::decide(const EligibilityFacts& f, std::int64_t now) const {
    switch (f.standing) {
        case CertificateStanding::valid:
            break;
        case CertificateStanding::foreign:
            return refuse(errors::foreign_certificate, true);
        case CertificateStanding::invalid:
            return refuse(errors::certificate_invalid);
        case CertificateStanding::expired:
            return refuse(errors::certificate_expired, true);
        case CertificateStanding::not_yet_valid:
            return refuse(errors::certificate_not_yet_valid);
        case CertificateStanding::revoked:
            return refuse(errors::certificate_revoked, true);
        case CertificateStanding::on_hold:
            return refuse(errors::certificate_on_hold);
        case CertificateStanding::status_unavailable:
            return refuse(errors::revocation_status_unavailable);
    }
    // Belt and braces: never renew after expiry, whatever the validator said.
    if (now > f.certificate_not_after) {
        return refuse(errors::certificate_expired, true);
    }
    if (!f.card) {
        return refuse(errors::card_unknown);
    }
    if (f.card->sold_by_partner) {
        auto d = refuse(errors::partner_card);
        d.partner = f.card->partner;
        return d;
    }
    if (add_years(f.card->identified_at, values_.max_identification_age_years) < now) {
        return refuse(errors::identification_too_old, true);
    }
    if (f.card->remote_renewals >= values_.max_remote_renewals) {
        return refuse(errors::too_many_remote_renewals, true);
    }
    if (now < window_opens(f.certificate_not_after)) {
        auto d = refuse(errors::outside_renewal_window);
        d.window_opens_at = window_opens(f.certificate_not_after);
        return d;
    }
    if (f.open_order_number) {
        auto d = refuse(errors::open_order_exists);
        d.open_order_number = f.open_order_number;
        return d;
    }
    return {};
}

}  // namespace sigcard::orders
