#include "smartcard/pkcs11_signer.hpp"

#include "smartcard/card_errors.hpp"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace sigcard::smartcard {

namespace {

using crypto::DigestAlgorithm;

// DER prefix of DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING hash } for each
// hash (RFC 8017, section 9.2, note 1); the hash bytes follow.
constexpr std::array<std::uint8_t, 19> sha256_digest_info{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                          0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                          0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::array<std::uint8_t, 19> sha384_digest_info{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                          0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                          0x02, 0x05, 0x00, 0x04, 0x30};

ossl::Bytes digest_info(DigestAlgorithm digest, std::span<const std::uint8_t> hash) {
    const auto& prefix =
        digest == DigestAlgorithm::sha384 ? sha384_digest_info : sha256_digest_info;
    ossl::Bytes out(prefix.begin(), prefix.end());
    out.insert(out.end(), hash.begin(), hash.end());
    return out;
}

// CKM_ECDSA returns r||s, each as wide as the group order; X.509 and CMS want DER.
ossl::Bytes ecdsa_raw_to_der(std::span<const std::uint8_t> raw) {
    if (raw.empty() || raw.size() % 2 != 0) {
        throw Error(errors::device_error, "ECDSA signature of odd length");
    }
    const auto half = static_cast<int>(raw.size() / 2);
    std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
    if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        throw std::runtime_error("ECDSA_SIG: " + ossl::last_error());
    }
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    ossl::Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_ECDSA_SIG(sig.get(), &p);
    return der;
}

CK_MECHANISM_TYPE pss_hash(DigestAlgorithm digest) {
    return digest == DigestAlgorithm::sha384 ? CKM_SHA384 : CKM_SHA256;
}

CK_RSA_PKCS_MGF_TYPE pss_mgf(DigestAlgorithm digest) {
    return digest == DigestAlgorithm::sha384 ? CKG_MGF1_SHA384 : CKG_MGF1_SHA256;
}

}  // namespace

Pkcs11Signer::Pkcs11Signer(CardSession& session, CK_OBJECT_HANDLE private_key,
                           ossl::EvpPkeyPtr public_key, std::optional<Secret> context_pin)
    : session_(&session),
      key_(private_key),
      public_key_(std::move(public_key)),
      context_pin_(std::move(context_pin)) {
    always_authenticate_ = session.flag_attribute(key_, CKA_ALWAYS_AUTHENTICATE);
}

Pkcs11Signer Pkcs11Signer::for_certificate(CardSession& session, const CardCertificate& cert,
                                           std::optional<Secret> context_pin) {
    const auto key = find_private_key(session, cert.id);
    ossl::EvpPkeyPtr pub(X509_get_pubkey(cert.certificate.get()));
    if (!pub) {
        throw Error(errors::no_qualified_certificate, "certificate without usable public key");
    }
    return Pkcs11Signer(session, key, std::move(pub), std::move(context_pin));
}

ossl::Bytes Pkcs11Signer::sign(DigestAlgorithm digest, std::span<const std::uint8_t> data) {
    const auto hash = ossl::digest(crypto::evp_md(digest), data);
    return sign_digest(digest, hash);
}

ossl::Bytes Pkcs11Signer::sign_digest(DigestAlgorithm digest, std::span<const std::uint8_t> hash,
                                      RsaPadding padding) {
    switch (EVP_PKEY_get_base_id(public_key_.get())) {
        case EVP_PKEY_EC: {
            CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
            return ecdsa_raw_to_der(sign_raw(mechanism, hash));
        }
        case EVP_PKEY_RSA: {
            if (padding == RsaPadding::pss) {
                session_->require_mechanism(CKM_RSA_PKCS_PSS);
                CK_RSA_PKCS_PSS_PARAMS params{pss_hash(digest), pss_mgf(digest), hash.size()};
                CK_MECHANISM mechanism{CKM_RSA_PKCS_PSS, &params, sizeof params};
                return sign_raw(mechanism, hash);
            }
            CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
            return sign_raw(mechanism, digest_info(digest, hash));
        }
        default:
            throw Error(errors::mechanism_not_supported, "key type is neither EC nor RSA");
    }
}

ossl::Bytes Pkcs11Signer::sign_raw(CK_MECHANISM& mechanism, std::span<const std::uint8_t> input) {
    const auto& api = session_->api();
    const auto session = session_->handle();
    session_->check(api.C_SignInit(session, &mechanism, key_), errors::Step::sign, "C_SignInit");
    if (always_authenticate_) {
        // Cards with this attribute want the PIN again for every single signature.
        const bool pad = session_->token().has_pin_pad();
        session_->login_context_specific(pad || !context_pin_ ? nullptr : &*context_pin_);
    }
    auto* data = const_cast<std::uint8_t*>(input.data());
    CK_ULONG len = 0;
    session_->check(api.C_Sign(session, data, input.size(), nullptr, &len), errors::Step::sign,
                    "C_Sign (length)");
    ossl::Bytes out(len);
    session_->check(api.C_Sign(session, data, input.size(), out.data(), &len), errors::Step::sign,
                    "C_Sign");
    out.resize(len);
    return out;
}

namespace {

ossl::EvpPkeyPtr key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>> params(
        OSSL_PARAM_BLD_to_param(bld));
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        throw std::runtime_error("token public key not usable: " + ossl::last_error());
    }
    return ossl::EvpPkeyPtr(key);
}

using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;

ossl::EvpPkeyPtr ec_public_key(const ossl::Bytes& params_der, const ossl::Bytes& point_der) {
    // CKA_EC_PARAMS is the named-curve OID; CKA_EC_POINT is the point in a DER OCTET STRING.
    const unsigned char* p = params_der.data();
    ossl::Asn1ObjectPtr curve(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(params_der.size())));
    p = point_der.data();
    ossl::Asn1OctetStringPtr point(
        d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(point_der.size())));
    if (!curve || !point) {
        throw std::runtime_error("token EC key attributes malformed");
    }
    const char* group = OBJ_nid2sn(OBJ_obj2nid(curve.get()));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                     ASN1_STRING_get0_data(point.get()),
                                     static_cast<std::size_t>(ASN1_STRING_length(point.get())));
    return key_from_params("EC", bld.get());
}

ossl::EvpPkeyPtr rsa_public_key(const ossl::Bytes& modulus, const ossl::Bytes& exponent) {
    ossl::BignumPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
    ossl::BignumPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
    return key_from_params("RSA", bld.get());
}

}  // namespace

ossl::EvpPkeyPtr token_public_key(const CardSession& session, CK_OBJECT_HANDLE object) {
    auto key_type = session.attribute(object, CKA_KEY_TYPE);
    if (!key_type || key_type->size() != sizeof(CK_KEY_TYPE)) {
        throw Error(errors::key_not_found, "object without CKA_KEY_TYPE");
    }
    CK_KEY_TYPE type = 0;
    std::memcpy(&type, key_type->data(), sizeof type);
    if (type == CKK_EC) {
        auto params = session.attribute(object, CKA_EC_PARAMS);
        auto point = session.attribute(object, CKA_EC_POINT);
        if (params && point) {
            return ec_public_key(*params, *point);
        }
    } else if (type == CKK_RSA) {
        auto n = session.attribute(object, CKA_MODULUS);
        auto e = session.attribute(object, CKA_PUBLIC_EXPONENT);
        if (n && e) {
            return rsa_public_key(*n, *e);
        }
    }
    throw Error(errors::mechanism_not_supported, fmt::format("key type 0x{:x}", type));
}

}  // namespace sigcard::smartcard
