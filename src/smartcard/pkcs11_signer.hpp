// crypto::Signer over a key on a PKCS#11 token: a holder's signature card or the trust
// center's HSM. The hash is computed here and only the digest goes to the token, because
// cards (and SoftHSM2) offer plain CKM_ECDSA / CKM_RSA_PKCS rather than hash-and-sign.
#pragma once

#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "common/secret.hpp"
#include "crypto/signer.hpp"

#include <optional>
#include <span>

namespace sigcard::smartcard {

enum class RsaPadding { pkcs1_v15, pss };

class Pkcs11Signer final : public crypto::Signer {
public:
    // `session` must be logged in and outlive the signer. `context_pin` is used only for keys
    // with CKA_ALWAYS_AUTHENTICATE on a reader without PIN pad (with a pad the holder types it
    // again on the reader); it is wiped with the signer.
    Pkcs11Signer(CardSession& session, CK_OBJECT_HANDLE private_key, ossl::EvpPkeyPtr public_key,
                 std::optional<Secret> context_pin = std::nullopt);

    // The card's qualified signing key, with the public key taken from its certificate.
    static Pkcs11Signer for_certificate(CardSession& session, const CardCertificate& cert,
                                        std::optional<Secret> context_pin = std::nullopt);

    EVP_PKEY* public_key() const override { return public_key_.get(); }
    ossl::Bytes sign(crypto::DigestAlgorithm digest, std::span<const std::uint8_t> data) override;

    // Signs an already computed hash. EC: DER Ecdsa-Sig-Value. RSA: PKCS#1 v1.5 over the
    // DigestInfo, or PSS (salt = hash length, MGF1 with the same hash) when the token offers it.
    ossl::Bytes sign_digest(crypto::DigestAlgorithm digest, std::span<const std::uint8_t> hash,
                            RsaPadding padding = RsaPadding::pkcs1_v15);

    bool always_authenticate() const { return always_authenticate_; }

private:
    ossl::Bytes sign_raw(CK_MECHANISM& mechanism, std::span<const std::uint8_t> input);

    CardSession* session_;
    CK_OBJECT_HANDLE key_;
    ossl::EvpPkeyPtr public_key_;
    std::optional<Secret> context_pin_;
    bool always_authenticate_ = false;
};

// The public key of a token key object (public key or private key with public attributes) as
// an OpenSSL key: EC from CKA_EC_PARAMS/CKA_EC_POINT, RSA from CKA_MODULUS/CKA_PUBLIC_EXPONENT.
ossl::EvpPkeyPtr token_public_key(const CardSession& session, CK_OBJECT_HANDLE object);

}  // namespace sigcard::smartcard
