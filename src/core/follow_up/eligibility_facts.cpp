#include "follow_up/eligibility_facts.hpp"

#include "crypto/ossl.hpp"

namespace sigcard::orders {

CertificateStanding standing_of(pki::ValidationStatus status) {
    using S = pki::ValidationStatus;
    switch (status) {
        case S::ok:
            return CertificateStanding::valid;
        case S::not_issued_by_this_ca:
        case S::unknown_to_this_ca:
            return CertificateStanding::foreign;
        case S::expired:
            return CertificateStanding::expired;
        case S::not_yet_valid:
            return CertificateStanding::not_yet_valid;
        case S::revoked:
            return CertificateStanding::revoked;
        case S::on_hold:
            return CertificateStanding::on_hold;
        case S::revocation_status_unavailable:
            return CertificateStanding::status_unavailable;
        case S::malformed:
        case S::bad_signature:
        case S::wrong_key_usage:
            return CertificateStanding::invalid;
    }
    return CertificateStanding::invalid;
}

std::int64_t not_after_of(const X509* cert) {
    return ossl::to_seconds(X509_get0_notAfter(cert)).time_since_epoch().count();
}

EligibilityFacts facts_of(
    const X509* cert, const pki::ValidationResult& validation,
    const std::function<std::optional<cards::CardRecord>(const std::string&)>& card,
    const std::function<std::optional<std::string>(std::int64_t)>& open_order) {
    EligibilityFacts facts;
    facts.standing = standing_of(validation.status);
    facts.certificate_not_after = not_after_of(cert);
    facts.card = card(ossl::serial_hex(cert));
    if (facts.card) {
        facts.open_order_number = open_order(facts.card->id);
    }
    return facts;
}

}  // namespace sigcard::orders
