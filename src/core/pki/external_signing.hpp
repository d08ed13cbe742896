// Signs certificates, CRLs and OCSP responses with a crypto::Signer (the HSM in production), so
// the PKI never holds a CA private key. Every result is re-parsed and verified with the signer's
// public key before it is returned.
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

// Signs a DER ResponseData into a BasicOCSPResponse that carries `signer_cert`.
ossl::OcspBasicResponsePtr sign_ocsp_response(std::span<const std::uint8_t> response_data,
                                              crypto::Signer& signer, const X509* signer_cert,
                                              crypto::DigestAlgorithm digest = ca_digest);

}  // namespace sigcard::pki
