// Revoking certificates (RFC 5280 reasons), putting them on hold and releasing them, and
// publishing the issuing CA's CRL.
#pragma once

#include "pki/certificate_authority.hpp"
#include "pki/certificate_store.hpp"

#include <string_view>

namespace sigcard::pki {

// Revokes for good, also a certificate on hold. reason certificate_hold is place_on_hold().
// Throws pki.unknown_certificate, pki.already_revoked.
void revoke(CertificateStore& store, std::string_view serial, RevocationReason reason, Seconds at);

// Suspends a good certificate (e.g. a card produced but not yet received).
// Throws pki.unknown_certificate, pki.already_revoked (revoked or already on hold).
void place_on_hold(CertificateStore& store, std::string_view serial, Seconds at);

// Makes a held certificate good again; it disappears from the next CRL.
// Throws pki.unknown_certificate, pki.not_on_hold.
void release_hold(CertificateStore& store, std::string_view serial);

// A v2 CRL of everything the CA revoked or holds, with the next CRL number and its AKI, signed
// through the CA's signer and recorded in the store.
ossl::X509CrlPtr publish_crl(CertificateStore& store, IssuerKey issuing_ca, Seconds this_update,
                             Seconds next_update);

}  // namespace sigcard::pki
