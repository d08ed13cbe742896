#include "signature/cades.hpp"

#include "signature/signature_errors.hpp"

#include <fmt/format.h>
#include <openssl/asn1t.h>
#include <openssl/ess.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

namespace sigcard::signature {

namespace {

// SignedAttributes ::= SET SIZE (1..MAX) OF Attribute, DER-sorted: the exact bytes that the
// signature covers (RFC 5652, 5.4). OpenSSL keeps its own item for this internal, and
// CMS_SignerInfo_sign wants the private key in process — which a card never gives.
ASN1_ITEM_TEMPLATE(SignedAttributesSet) = ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_ORDER, 0,
                                                                SignedAttributesSet, X509_ATTRIBUTE)
    ASN1_ITEM_TEMPLATE_END(SignedAttributesSet)

        struct AttributeStackFree {
    // The stack only borrows the attributes from the SignerInfo.
    void operator()(STACK_OF(X509_ATTRIBUTE) * s) const noexcept { sk_X509_ATTRIBUTE_free(s); }
};

using EssV2Ptr = std::unique_ptr<ESS_SIGNING_CERT_V2, ossl::Deleter<ESS_SIGNING_CERT_V2_free>>;

ossl::Bytes signed_attributes_der(CMS_SignerInfo* si) {
    std::unique_ptr<STACK_OF(X509_ATTRIBUTE), AttributeStackFree> attrs(
        sk_X509_ATTRIBUTE_new_null());
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
        sk_X509_ATTRIBUTE_push(attrs.get(), CMS_signed_get_attr(si, i));
    }
    unsigned char* der = nullptr;
    const int len = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(attrs.get()), &der,
                                  ASN1_ITEM_rptr(SignedAttributesSet));
    if (len <= 0) {
        throw std::runtime_error("signed attributes not encodable: " + ossl::last_error());
    }
    ossl::Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

void require(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(fmt::format("CAdES: {} failed: {}", what, ossl::last_error()));
    }
}

void add_signed_attributes(CMS_SignerInfo* si, const X509* cert, const EVP_MD* md,
                           std::span<const std::uint8_t> content,
                           std::chrono::system_clock::time_point signing_time) {
    require(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                        OBJ_nid2obj(NID_pkcs7_data), -1) == 1,
            "content-type");

    ossl::Asn1TimePtr time(
        ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(signing_time)));
    require(time && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, time->type, time.get(),
                                                -1) == 1,
            "signing-time");

    const auto hash = ossl::digest(md, content);
    require(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                        hash.data(), static_cast<int>(hash.size())) == 1,
            "message-digest");

    // issuerSerial left out, as EN 319 122-1 (5.2.2.3) recommends; the hash identifies the cert.
    EssV2Ptr ess(OSSL_ESS_signing_cert_v2_new_init(md, const_cast<X509*>(cert), nullptr, 0));
    require(ess != nullptr, "signing-certificate-v2");
    unsigned char* ess_der = nullptr;
    const int ess_len = i2d_ESS_SIGNING_CERT_V2(ess.get(), &ess_der);
    require(ess_len > 0, "signing-certificate-v2 encoding");
    const int added = CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
                                                  V_ASN1_SEQUENCE, ess_der, ess_len);
    OPENSSL_free(ess_der);
    require(added == 1, "signing-certificate-v2 attribute");
}

}  // namespace

ossl::Bytes create_cades(crypto::Signer& signer, const X509* signer_certificate,
                         std::span<const std::uint8_t> content, crypto::DigestAlgorithm digest,
                         std::span<const X509* const> chain,
                         std::chrono::system_clock::time_point signing_time) {
    auto* cert = const_cast<X509*>(signer_certificate);
    if (EVP_PKEY_eq(X509_get0_pubkey(cert), signer.public_key()) != 1) {
        throw std::invalid_argument("CAdES: certificate does not belong to the signing key");
    }
    const EVP_MD* md = crypto::evp_md(digest);
    // Built partial and signed by hand: the key is on a card, so OpenSSL only gets the public
    // half (CMS_add1_signer uses it to pick the signature algorithm identifier).
    const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;
    ossl::CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
    require(cms != nullptr, "CMS_sign");
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), cert, signer.public_key(), md, flags);
    require(si != nullptr, "CMS_add1_signer");
    for (const X509* extra : chain) {
        require(CMS_add1_cert(cms.get(), const_cast<X509*>(extra)) == 1, "CMS_add1_cert");
    }
    add_signed_attributes(si, cert, md, content, signing_time);

    const auto signature = signer.sign(digest, signed_attributes_der(si));
    require(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(),
                            static_cast<int>(signature.size())) == 1,
            "signature value");

    unsigned char* der = nullptr;
    const int len = i2d_CMS_ContentInfo(cms.get(), &der);
    require(len > 0, "CMS encoding");
    ossl::Bytes out(der, der + len);
    OPENSSL_free(der);
    // Check what was written, parsed back like a verifier would: a faulty card or a wrong
    // encoding must not produce an order signature that fails later at the portal.
    verify_cades(content, out);
    return out;
}

}  // namespace sigcard::signature
