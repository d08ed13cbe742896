// Reading the OCSP responses kept as revocation evidence (one per order, or one per group of
// orders from OcspResponder::attest): what one states about one certificate.
#pragma once

#include "common/error.hpp"
#include "crypto/ossl.hpp"
#include "pki/certificate_store.hpp"

#include <optional>
#include <span>

namespace sigcard::pki {

namespace errors {
inline constexpr ErrorCode invalid_evidence{
    "pki.invalid_evidence",
    "Der Sperrstatusnachweis ist fehlerhaft oder nicht vom OCSP-Dienst der "
    "Zertifizierungsstelle signiert.",
    "The revocation evidence is malformed or not signed by the certification authority's OCSP "
    "service."};
}  // namespace errors

struct EvidenceStatus {
    enum class State {
        good,
        revoked,
        on_hold,     // revoked with reason certificateHold
        unknown,     // the responder did not know the certificate
        not_listed,  // the evidence says nothing about this certificate
    };
    State state = State::not_listed;
    std::optional<RevocationReason> reason;  // revoked or on_hold, when the response gives one
    std::optional<Seconds> revoked_at;       // revoked or on_hold
    Seconds produced_at;
};

// The status the evidence states for `cert` (issued by `issuer`), found by its CertID in any hash
// algorithm. Throws pki.invalid_evidence unless `der` is exactly one successful OCSP response
// whose responderID is `responder` and whose signature verifies with `responder`'s key;
// `responder` is the caller's trusted responder certificate (its chain is not checked here).
EvidenceStatus read_evidence(std::span<const std::uint8_t> der, const X509* cert,
                             const X509* issuer, const X509* responder);

}  // namespace sigcard::pki
