#include "crypto/signer.hpp"

#include <openssl/obj_mac.h>

#include <stdexcept>

namespace sigcard::crypto {

const EVP_MD* evp_md(DigestAlgorithm digest) {
    return digest == DigestAlgorithm::sha384 ? EVP_sha384() : EVP_sha256();
}

int signature_nid(const EVP_PKEY* key, DigestAlgorithm digest) {
    const bool sha384 = digest == DigestAlgorithm::sha384;
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_EC:
            return sha384 ? NID_ecdsa_with_SHA384 : NID_ecdsa_with_SHA256;
        case EVP_PKEY_RSA:
            return sha384 ? NID_sha384WithRSAEncryption : NID_sha256WithRSAEncryption;
        default:
            throw std::invalid_argument("unsupported key type");
    }
}

SoftwareSigner SoftwareSigner::generate_ec(const char* curve) {
    ossl::EvpPkeyPtr key(EVP_EC_gen(curve));
    if (!key) {
        throw std::runtime_error("EC key generation failed: " + ossl::last_error());
    }
    return SoftwareSigner(std::move(key));
}

SoftwareSigner SoftwareSigner::generate_rsa(unsigned bits) {
    ossl::EvpPkeyPtr key(EVP_RSA_gen(bits));
    if (!key) {
        throw std::runtime_error("RSA key generation failed: " + ossl::last_error());
    }
    return SoftwareSigner(std::move(key));
}

ossl::Bytes SoftwareSigner::sign(DigestAlgorithm digest, std::span<const std::uint8_t> data) {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestSignInit(ctx.get(), nullptr, evp_md(digest), nullptr, key_.get()) != 1) {
        throw std::runtime_error("sign init failed: " + ossl::last_error());
    }
    std::size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) {
        throw std::runtime_error("sign failed: " + ossl::last_error());
    }
    ossl::Bytes out(len);
    if (EVP_DigestSign(ctx.get(), out.data(), &len, data.data(), data.size()) != 1) {
        throw std::runtime_error("sign failed: " + ossl::last_error());
    }
    out.resize(len);
    return out;
}

}  // namespace sigcard::crypto
