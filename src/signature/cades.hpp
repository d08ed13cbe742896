// Order signatures: detached CMS SignedData in the CAdES baseline B-B profile (ETSI EN 319 122-1)
// — signed attributes content-type, message-digest, signing-time and signing-certificate-v2
// (RFC 5035). The key may live anywhere a crypto::Signer reaches (a signature card, an HSM).
// Verification checks the signature itself; whether the certificate is trusted, valid and not
// revoked is the PKI's path validation.
#pragma once

#include "crypto/ossl.hpp"
#include "crypto/signer.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <span>

namespace sigcard::signature {

// Larger signatures are refused unread: an order signature with its certificates is a few KiB.
inline constexpr std::size_t max_signature_size = 256 * 1024;

// Signs `content` (detached: the CMS holds only the signature). `signer_certificate` must hold
// the signer's public key; `chain` (optional) is embedded for the verifier's convenience.
ossl::Bytes create_cades(
    crypto::Signer& signer, const X509* signer_certificate, std::span<const std::uint8_t> content,
    crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::sha256,
    std::span<const X509* const> chain = {},
    std::chrono::system_clock::time_point signing_time = std::chrono::system_clock::now());

struct VerifiedSignature {
    ossl::X509Ptr signer_certificate;
    std::chrono::system_clock::time_point signing_time;
    // All certificates embedded in the CMS (signer first), for path building.
    std::vector<ossl::X509Ptr> embedded_certificates;
    // The signed message-digest attribute: the signed content's digest by `digest_nid`
    // (NID_sha256, NID_sha384 or NID_sha512).
    ossl::Bytes message_digest;
    int digest_nid = 0;
};

// Parses a certificate's DER with its public key (nullptr when malformed).
using CertificateParser = std::function<ossl::X509Ptr(std::span<const std::uint8_t> der)>;

// Verifies a detached CAdES signature over `content`. `extra_certificates` may supply the
// signer certificate when the CMS does not carry it. The CMS is parsed without decoding the
// public keys of the certificates it carries (in OpenSSL 3.0 that is most of the parse); the
// signer's key comes from `parse_certificate` given the embedded certificate's bytes — a caller
// that has seen the certificate before can hand back its parsed copy — or, by default, from
// parsing those bytes. Throws signature.* errors.
VerifiedSignature verify_cades(std::span<const std::uint8_t> content,
                               std::span<const std::uint8_t> cms_der,
                               std::span<const X509* const> extra_certificates = {},
                               const CertificateParser& parse_certificate = {});

// verify_cades() for a caller that keeps the signed content itself: everything but comparing the
// content's digest with `message_digest`, which the caller then must do (or the signature proves
// nothing about the content).
VerifiedSignature verify_cades_without_content(std::span<const std::uint8_t> cms_der,
                                               std::span<const X509* const> extra_certificates = {},
                                               const CertificateParser& parse_certificate = {});

}  // namespace sigcard::signature
