// RFC 6960 OCSP responder for the qualified issuing CA, as a pure function: request DER in,
// response DER out. HTTP (POST, or GET with base64) belongs to the portal.
#pragma once

#include "crypto/signer.hpp"
#include "pki/certificate_store.hpp"

#include <chrono>
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

private:
    ossl::Bytes respond(OCSP_REQUEST* request, Seconds now) const;
    void add_status(OCSP_BASICRESP* response, OCSP_CERTID* id, ASN1_TIME* this_update,
                    ASN1_TIME* next_update) const;

    const CertificateStore& store_;
    ossl::X509Ptr issuing_ca_;
    ossl::X509Ptr responder_;
    crypto::Signer& responder_key_;
    Options options_;
    std::string issuer_serial_;
};

// A response with only a status (malformedRequest, internalError, …).
ossl::Bytes ocsp_status_response(int status);

}  // namespace sigcard::pki
