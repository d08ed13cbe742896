// Signs certificates, CRLs and OCSP responses with a crypto::Signer (the HSM in production), so
// the PKI never holds a CA private key. Every signature is verified with the signer's public key
// before the result is returned.
#pragma once

#include "crypto/signer.hpp"

#include <span>

namespace sigcard::pki {

inline constexpr crypto::DigestAlgorithm ca_digest = crypto::DigestAlgorithm::sha256;

// DER AlgorithmIdentifier of the signature the signer makes with `digest`.
ossl::Bytes signature_algorithm(const crypto::Signer& signer,
                                crypto::DigestAlgorithm digest = ca_digest);

// Completes `tbs` (every field but the signature set) into a signed certificate.
ossl::X509Ptr sign_certificate(X509* tbs, crypto::Signer& signer,
                               crypto::DigestAlgorithm digest = ca_digest);

// Signs a DER TBSCertList whose signature field is signature_algorithm(signer, digest).
ossl::X509CrlPtr sign_crl(std::span<const std::uint8_t> tbs_cert_list, crypto::Signer& signer,
                          crypto::DigestAlgorithm digest = ca_digest);

// Signs DER ResponseData into BasicOCSPResponses as one delegated responder. What every response
// repeats (the signature algorithm, the responder certificate it carries) is encoded once. Each
// signature is checked with the certificate's public key over the exact ResponseData bytes before
// the response is returned: a token key that is not the certificate's, or a faulty signature, is
// pki.signing_failed rather than a response nobody can verify.
class OcspResponseSigner {
public:
    OcspResponseSigner(crypto::Signer& signer, const X509* signer_cert,
                       crypto::DigestAlgorithm digest = ca_digest);

    // BasicOCSPResponse DER.
    ossl::Bytes sign(std::span<const std::uint8_t> response_data) const;

private:
    crypto::Signer& signer_;
    ossl::X509Ptr cert_;  // its parsed public key checks every signature
    crypto::DigestAlgorithm digest_;
    ossl::Bytes algorithm_;  // signatureAlgorithm
    ossl::Bytes certs_;      // [0] EXPLICIT SEQUENCE OF Certificate: the signer certificate
};

}  // namespace sigcard::pki
