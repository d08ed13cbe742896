// What can go wrong in the trust center's PKI, as codes that operators and holders can see.
#pragma once

#include "common/error.hpp"
#include "crypto/der.hpp"

namespace sigcard::pki::errors {

inline constexpr const ErrorCode& malformed_der = der::errors::malformed;
inline constexpr const ErrorCode& invalid_profile = der::errors::not_encodable;
inline constexpr ErrorCode malformed_profile{
    "pki.malformed_profile", "Das Zertifikat enthält fehlerhafte Angaben zum Inhaber.",
    "The certificate carries malformed holder information."};
inline constexpr ErrorCode signing_failed{
    "pki.signing_failed", "Die Signatur der Zertifizierungsstelle ist fehlgeschlagen.",
    "The certification authority could not sign."};
inline constexpr ErrorCode unknown_certificate{
    "pki.unknown_certificate", "Dieses Zertifikat ist der Zertifizierungsstelle nicht bekannt.",
    "This certificate is not known to the certification authority."};
inline constexpr ErrorCode already_revoked{"pki.already_revoked",
                                           "Das Zertifikat ist bereits gesperrt.",
                                           "The certificate is already revoked."};
inline constexpr ErrorCode not_on_hold{"pki.not_on_hold",
                                       "Das Zertifikat ist nicht vorläufig gesperrt.",
                                       "The certificate is not on hold."};
inline constexpr ErrorCode invalid_reason{"pki.invalid_reason",
                                          "Dieser Sperrgrund ist nicht zulässig.",
                                          "This revocation reason is not allowed."};

// Path validation outcomes (see path_validation.hpp).
inline constexpr ErrorCode certificate_malformed{
    "pki.certificate_malformed", "Das Zertifikat ist fehlerhaft.", "The certificate is malformed."};
inline constexpr ErrorCode not_issued_by_this_ca{
    "pki.not_issued_by_this_ca",
    "Das Zertifikat wurde nicht von diesem Vertrauensdiensteanbieter ausgestellt.",
    "The certificate was not issued by this trust center."};
inline constexpr ErrorCode bad_signature{"pki.bad_signature",
                                         "Die Signatur des Zertifikats ist ungültig.",
                                         "The certificate's signature is invalid."};
inline constexpr ErrorCode not_yet_valid{"pki.not_yet_valid",
                                         "Das Zertifikat ist noch nicht gültig.",
                                         "The certificate is not yet valid."};
inline constexpr ErrorCode expired{"pki.expired", "Das Zertifikat ist abgelaufen.",
                                   "The certificate has expired."};
inline constexpr ErrorCode revoked{"pki.revoked", "Das Zertifikat ist gesperrt.",
                                   "The certificate is revoked."};
inline constexpr ErrorCode on_hold{"pki.on_hold", "Das Zertifikat ist vorläufig gesperrt.",
                                   "The certificate is on hold."};
inline constexpr ErrorCode wrong_key_usage{
    "pki.wrong_key_usage", "Das Zertifikat ist kein qualifiziertes Signaturzertifikat.",
    "The certificate is not a qualified signing certificate."};
inline constexpr ErrorCode unknown_to_this_ca{
    "pki.unknown_to_this_ca",
    "Das Zertifikat ist in den Unterlagen der Zertifizierungsstelle nicht verzeichnet.",
    "The certificate is not on the certification authority's records."};
inline constexpr ErrorCode revocation_status_unavailable{
    "pki.revocation_status_unavailable",
    "Der Sperrstatus des Zertifikats kann derzeit nicht geprüft werden.",
    "The certificate's revocation status cannot be checked at the moment."};

}  // namespace sigcard::pki::errors
