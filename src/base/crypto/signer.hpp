// Something that holds a private key and signs with it: a card, the CA's HSM, or (in tests and
// benchmarks) a key in memory. The PKI and the CAdES code sign through this, so they never see
// where the key lives.
#pragma once

#include "crypto/ossl.hpp"

#include <span>

namespace sigcard::crypto {

enum class DigestAlgorithm { sha256, sha384 };

const EVP_MD* evp_md(DigestAlgorithm digest);

class Signer {
public:
    virtual ~Signer() = default;

    // The public half of the signing key.
    virtual EVP_PKEY* public_key() const = 0;

    // Hashes `data` with `digest` and signs the hash. The result is encoded as X.509 and CMS
    // carry it: ECDSA as a DER Ecdsa-Sig-Value, RSA as the PKCS#1 v1.5 signature block.
    virtual ossl::Bytes sign(DigestAlgorithm digest, std::span<const std::uint8_t> data) = 0;
};

// The signature algorithm NID for a key and digest (ecdsa-with-SHA256, sha256WithRSAEncryption…).
int signature_nid(const EVP_PKEY* key, DigestAlgorithm digest);

// A key in process memory. For tests, benchmarks and short-lived keys only: the trust center's
// CA keys and holders' keys live on tokens.
class SoftwareSigner final : public Signer {
public:
    explicit SoftwareSigner(ossl::EvpPkeyPtr key) : key_(std::move(key)) {}
    static SoftwareSigner generate_ec(const char* curve = "P-256");
    static SoftwareSigner generate_rsa(unsigned bits = 3072);

    EVP_PKEY* public_key() const override { return key_.get(); }
    EVP_PKEY* private_key() const { return key_.get(); }
    ossl::Bytes sign(DigestAlgorithm digest, std::span<const std::uint8_t> data) override;

private:
    ossl::EvpPkeyPtr key_;
};

}  // namespace sigcard::crypto
