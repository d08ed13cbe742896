// RFC 6960 OCSP responder for the qualified issuing CA, as a pure function: request DER in,
// response DER out. HTTP (POST, or GET with base64) belongs to the portal.
#pragma once

#include "crypto/signer.hpp"
#include "pki/certificate_store.hpp"
#include "pki/external_signing.hpp"

#include <chrono>
#include <optional>
#include <span>

namespace sigcard::pki {

class OcspResponder {
public:
    struct Options {
        std::size_t max_request_bytes = 64 * 1024;  // larger requests: malformedRequest
        std::chrono::seconds validity{3600};        // nextUpdate - thisUpdate
        std::size_t max_certificates = 64;          // single requests in one request
    };

    // `responder` is the delegated OCSP signer certificate the CA issued (extKeyUsage
    // OCSPSigning); `responder_key` signs in its name. The certificates are shared, not copied.
    OcspResponder(const CertificateStore& store, const X509* issuing_ca, const X509* responder,
                  crypto::Signer& responder_key, Options options);
    OcspResponder(const CertificateStore& store, const X509* issuing_ca, const X509* responder,
                  crypto::Signer& responder_key)
        : OcspResponder(store, issuing_ca, responder, responder_key, Options{}) {}

    // Never throws for bad input: oversized or unparsable requests get malformedRequest, failures
    // inside get internalError. Certificates of another issuer, or serials this CA never issued,
    // are answered `unknown` (RFC 6960 2.2), not `unauthorized`, so one request may mix them.
    ossl::Bytes operator()(std::span<const std::uint8_t> request, Seconds now) const;

    // The status of one certificate of this CA as the caller read it, in the transaction that
    // stores what the evidence is for.
    struct Attestation {
        const X509* certificate;          // issued by this responder's issuing CA
        const CertificateRecord* record;  // its row in the store; nullptr when there is none
    };

    // One signed OCSP response (status successful, the shape of those given over HTTP) stating
    // each certificate's status at `now`: a SingleResponse each (CertID with SHA-256), one HSM
    // signature for all. A certificate without this CA's row is stated `unknown`, as over HTTP.
    // Throws sigcard::Error: pki.not_issued_by_this_ca for a certificate of another CA (its
    // CertID would name this CA); otherwise pki.signing_failed — no items, a record that is
    // another certificate's row, a signature that does not verify with the responder certificate,
    // a failing token (unless the signer reports its own sigcard::Error, which passes through).
    ossl::Bytes attest(std::span<const Attestation> items, Seconds now) const;

private:
    std::optional<CertificateRecord> requested_record(OCSP_CERTID* id) const;
    const CertificateRecord* attested_record(const Attestation& item) const;
    ossl::Bytes respond(OCSP_REQUEST* request, Seconds now) const;
    ossl::Bytes signed_response(std::span<const std::uint8_t> single_responses,
                                std::span<const std::uint8_t> extensions, Seconds now) const;

    const CertificateStore& store_;
    ossl::X509Ptr issuing_ca_;
    OcspResponseSigner signer_;
    Options options_;
    std::string issuer_serial_;
    ossl::Bytes issuer_id_;     // CertID up to the serial: SHA-256 of this CA's name and key
    ossl::Bytes responder_id_;  // ResponderID byKey
};

// A response with only a status (malformedRequest, internalError, …).
ossl::Bytes ocsp_status_response(int status);

}  // namespace sigcard::pki
