// Is this a valid qualified signature certificate of this trust center at a given time? Answers
// with a precise reason. Status comes from the database for certificates the CA answers for
// itself, and over OCSP (an injected transport) when the certificate's AIA names another responder.
#pragma once

#include "common/error.hpp"
#include "crypto/ossl.hpp"
#include "pki/certificate_store.hpp"
#include "pki/verified_certificates.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace sigcard::pki {

enum class ValidationStatus {
    ok,
    malformed,
    not_issued_by_this_ca,
    bad_signature,
    not_yet_valid,
    expired,
    revoked,
    on_hold,
    wrong_key_usage,
    unknown_to_this_ca,
    revocation_status_unavailable,
};

struct ValidationResult {
    ValidationStatus status = ValidationStatus::malformed;
    std::optional<RevocationReason> reason;  // when revoked or on hold
    std::optional<Seconds> revoked_at;
    std::string detail;  // for the log

    bool ok() const { return status == ValidationStatus::ok; }
    // The code and texts for holders and operators; nullptr when ok.
    const ErrorCode* error() const;
};

// Posts an OCSP request (DER) to a URL and returns the response body (DER); throws when the
// responder cannot be reached. HTTP lives in the portal, not in core.
using OcspTransport =
    std::function<ossl::Bytes(const std::string& url, const ossl::Bytes& request)>;

class PathValidator {
public:
    struct Options {
        std::string own_ocsp_url;                      // status for these comes from the store
        std::chrono::seconds clock_skew{300};          // tolerated on thisUpdate / nextUpdate
        std::chrono::seconds max_response_age{86400};  // when a response has no nextUpdate
        // How many checked holder certificates are kept parsed (about 8 KiB each): enough for
        // the holders between draft and submission at once.
        std::size_t remembered_certificates = 8192;
    };

    PathValidator(const CertificateStore& store, const X509* root, const X509* issuing_ca,
                  Options options, OcspTransport transport = {});

    ValidationResult validate(std::span<const std::uint8_t> der, Seconds at) const;
    ValidationResult validate(const X509* cert, Seconds at) const;

    // validate() in two steps, for callers that read the certificate's record themselves (in
    // the transaction that acts on the answer): everything but the status this CA keeps in its
    // store — issuer, signature, validity, key usage, and the status of certificates another
    // responder answers for. `store_status_pending` tells whether the answer still needs
    // status_from_record(); it is ok then.
    ValidationResult validate_before_status(const X509* cert, Seconds at,
                                            bool& store_status_pending) const;
    // The status a certificate's record in this CA's store gives (unknown when there is none or
    // it holds other bytes).
    static ValidationResult status_from_record(const X509* cert,
                                               const std::optional<CertificateRecord>& record);

    // A certificate with exactly these bytes whose signature by the issuing CA this validator
    // has checked before, parsed with its key; nullptr when there is none. Validating it again
    // skips the signature check, not the rest.
    ossl::X509Ptr verified_certificate(std::span<const std::uint8_t> der) const;

private:
    ValidationResult status_over_ocsp(const X509* cert, const std::string& url, Seconds at) const;

    const CertificateStore& store_;
    ossl::X509Ptr root_;
    ossl::X509Ptr issuing_ca_;
    Options options_;
    OcspTransport transport_;
    std::shared_ptr<VerifiedCertificates> verified_;
};

}  // namespace sigcard::pki
