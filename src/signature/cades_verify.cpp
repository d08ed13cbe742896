// Verification of detached CAdES order signatures (see cades.hpp).
#include "crypto/der.hpp"
#include "signature/cades.hpp"
#include "signature/signature_errors.hpp"

#include <fmt/format.h>
#include <openssl/ess.h>
#include <openssl/provider.h>

#include <cstring>
#include <ctime>

namespace sigcard::signature {

namespace {

using EssV2Ptr = std::unique_ptr<ESS_SIGNING_CERT_V2, ossl::Deleter<ESS_SIGNING_CERT_V2_free>>;

// A library context without any provider: parsing under it leaves the public keys of
// certificates undecoded (OpenSSL parses them opportunistically and clears the failure).
OSSL_LIB_CTX* keyless_context() {
    struct Context {
        OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
        OSSL_PROVIDER* none = OSSL_PROVIDER_load(ctx, "null");
        ~Context() {
            OSSL_PROVIDER_unload(none);
            OSSL_LIB_CTX_free(ctx);
        }
    };
    static const Context context;
    return context.ctx;
}

// Makes a library context this thread's default for a scope.
class DefaultContext {
public:
    explicit DefaultContext(OSSL_LIB_CTX* ctx) : previous_(OSSL_LIB_CTX_set0_default(ctx)) {}
    ~DefaultContext() { OSSL_LIB_CTX_set0_default(previous_); }
    DefaultContext(const DefaultContext&) = delete;
    DefaultContext& operator=(const DefaultContext&) = delete;

private:
    OSSL_LIB_CTX* previous_;
};

// A SignedData with its certificates field cut out, and those certificates' DER as they came.
// OpenSSL 3.0 spends more on parsing an embedded certificate (its names, its key decoders) than
// on the rest of the CMS, and the signer's certificate is mostly known by its exact bytes (the
// validator's memo, see CertificateParser); the certificates are not signed, so cutting them
// changes nothing that is verified. nullopt when the CMS is not laid out as expected (BER,
// other certificate choices, none embedded): it is then parsed whole.
struct CertificatesApart {
    ossl::Bytes cms;
    std::vector<std::span<const std::uint8_t>> certificates;
};

std::optional<CertificatesApart> certificates_apart(std::span<const std::uint8_t> der) {
    namespace d = der;
    try {
        const auto content_info = d::single(der, d::tag::sequence);
        d::Reader ci(content_info.content);
        const auto type = ci.next(d::tag::oid);
        const auto wrapped = ci.next(d::tag::context(0));
        if (!ci.at_end()) {
            return std::nullopt;
        }
        const auto signed_data = d::single(wrapped.content, d::tag::sequence);
        d::Reader sd(signed_data.content);
        const auto version = sd.next(d::tag::integer);
        const auto digests = sd.next(d::tag::set);
        const auto encapsulated = sd.next(d::tag::sequence);
        if (!sd.peek_is(d::tag::context(0))) {
            return std::nullopt;
        }
        const auto certificates = sd.next(d::tag::context(0));
        CertificatesApart apart;
        for (d::Reader certs(certificates.content); !certs.at_end();) {
            apart.certificates.push_back(certs.next(d::tag::sequence).whole);
        }
        const std::span<const std::uint8_t> rest(
            certificates.whole.data() + certificates.whole.size(),
            signed_data.content.data() + signed_data.content.size());
        const auto without = d::sequence({version.whole, digests.whole, encapsulated.whole, rest});
        apart.cms = d::sequence({type.whole, d::tlv(d::tag::context(0), without)});
        return apart;
    } catch (const Error&) {
        return std::nullopt;
    }
}

ossl::CmsPtr parse(std::span<const std::uint8_t> der) {
    const unsigned char* p = der.data();
    ossl::CmsPtr cms;
    {
        DefaultContext keyless(keyless_context());
        cms.reset(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
    }
    if (!cms || p != der.data() + der.size()) {
        throw Error(errors::malformed, "not one DER CMS ContentInfo: " + ossl::last_error());
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        throw Error(errors::malformed, "not SignedData");
    }
    if (CMS_is_detached(cms.get()) != 1) {
        throw Error(errors::malformed, "content embedded; order signatures are detached");
    }
    if (OBJ_obj2nid(CMS_get0_eContentType(cms.get())) != NID_pkcs7_data) {
        throw Error(errors::malformed, "encapsulated content type is not id-data");
    }
    return cms;
}

CMS_SignerInfo* only_signer(CMS_ContentInfo* cms) {
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) {
        throw Error(errors::malformed, "an order signature has exactly one signer");
    }
    return sk_CMS_SignerInfo_value(infos, 0);
}

// The single value of a signed attribute, or nullptr when absent or repeated.
ASN1_TYPE* attribute_value(CMS_SignerInfo* si, int nid) {
    const int idx = CMS_signed_get_attr_by_NID(si, nid, -1);
    if (idx < 0 || CMS_signed_get_attr_by_NID(si, nid, idx) >= 0) {
        return nullptr;
    }
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, idx);
    return X509_ATTRIBUTE_count(attr) == 1 ? X509_ATTRIBUTE_get0_type(attr, 0) : nullptr;
}

ASN1_TYPE* required_attribute(CMS_SignerInfo* si, int nid, int type) {
    ASN1_TYPE* value = attribute_value(si, nid);
    if (value == nullptr || (type >= 0 && value->type != type)) {
        throw Error(errors::missing_signed_attributes, OBJ_nid2sn(nid));
    }
    return value;
}

// The certificates the CMS carries, as parsed there: without their public keys.
std::vector<ossl::X509Ptr> embedded(CMS_ContentInfo* cms) {
    std::vector<ossl::X509Ptr> out;
    ossl::X509StackPtr certs(CMS_get1_certs(cms));
    while (certs && sk_X509_num(certs.get()) > 0) {
        out.emplace_back(sk_X509_shift(certs.get()));
    }
    return out;
}

// Certificates cut out of the CMS, each parsed with its key (most from the memo).
std::vector<ossl::X509Ptr> parsed(const std::vector<std::span<const std::uint8_t>>& certificates,
                                  const CertificateParser& parse_certificate) {
    std::vector<ossl::X509Ptr> out;
    for (const auto der : certificates) {
        auto cert = parse_certificate ? parse_certificate(der) : ossl::x509_from_der(der);
        if (!cert || X509_get0_pubkey(cert.get()) == nullptr) {
            throw Error(errors::malformed,
                        "embedded certificate unreadable: " + ossl::last_error());
        }
        out.push_back(std::move(cert));
    }
    return out;
}

// The same certificate with its public key.
ossl::X509Ptr with_key(const X509* keyless, const CertificateParser& parse_certificate) {
    const auto der = ossl::to_der(keyless);
    auto cert = parse_certificate ? parse_certificate(der) : ossl::x509_from_der(der);
    if (!cert || X509_get0_pubkey(cert.get()) == nullptr) {
        throw Error(errors::malformed, "embedded certificate unreadable: " + ossl::last_error());
    }
    return cert;
}

// `keyed`: the certificates were parsed with their keys (else keyless, as the CMS parser left
// them).
ossl::X509Ptr find_signer(CMS_SignerInfo* si, std::vector<ossl::X509Ptr>& certs, bool keyed,
                          std::span<const X509* const> extra,
                          const CertificateParser& parse_certificate) {
    for (auto& cert : certs) {
        if (cert && CMS_SignerInfo_cert_cmp(si, cert.get()) == 0) {
            if (keyed) {
                return std::move(cert);
            }
            auto signer = with_key(cert.get(), parse_certificate);
            cert.reset();  // the keyless copy is no longer needed
            return signer;
        }
    }
    for (const X509* cert : extra) {
        if (CMS_SignerInfo_cert_cmp(si, const_cast<X509*>(cert)) == 0) {
            X509_up_ref(const_cast<X509*>(cert));
            return ossl::X509Ptr(const_cast<X509*>(cert));
        }
    }
    throw Error(errors::signer_certificate_missing);
}

const EVP_MD* digest_of(CMS_SignerInfo* si) {
    X509_ALGOR* algorithm = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &algorithm, nullptr);
    const int nid = algorithm != nullptr ? OBJ_obj2nid(algorithm->algorithm) : NID_undef;
    // SHA-1 and weaker are refused for qualified signatures.
    if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512) {
        throw Error(errors::invalid, fmt::format("digest algorithm {}", OBJ_nid2sn(nid)));
    }
    return EVP_get_digestbynid(nid);
}

ossl::Bytes message_digest(CMS_SignerInfo* si) {
    const ASN1_TYPE* value = required_attribute(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING);
    const ASN1_OCTET_STRING* claimed = value->value.octet_string;
    const unsigned char* data = ASN1_STRING_get0_data(claimed);
    return {data, data + ASN1_STRING_length(claimed)};
}

void check_signing_certificate(CMS_SignerInfo* si, X509* signer) {
    ossl::X509StackPtr chain(sk_X509_new_null());
    X509_up_ref(signer);
    sk_X509_push(chain.get(), signer);
    int ok = -1;
    if (ASN1_TYPE* v2 = attribute_value(si, NID_id_smime_aa_signingCertificateV2);
        v2 != nullptr && v2->type == V_ASN1_SEQUENCE) {
        const unsigned char* p = v2->value.sequence->data;
        EssV2Ptr ess(d2i_ESS_SIGNING_CERT_V2(nullptr, &p, v2->value.sequence->length));
        if (!ess) {
            throw Error(errors::malformed, "signing-certificate-v2 not decodable");
        }
        ok = OSSL_ESS_check_signing_certs(nullptr, ess.get(), chain.get(), 1);
    } else if (attribute_value(si, NID_id_smime_aa_signingCertificate) != nullptr) {
        // v1 binds the certificate by SHA-1 only (RFC 5035): a second-preimage target.
        throw Error(errors::signing_certificate_sha1, "signing-certificate v1 only");
    } else {
        throw Error(errors::missing_signed_attributes, "signing-certificate-v2");
    }
    if (ok <= 0) {
        throw Error(errors::signing_certificate_mismatch, ossl::last_error());
    }
}

std::chrono::system_clock::time_point signing_time(CMS_SignerInfo* si) {
    const ASN1_TYPE* value = required_attribute(si, NID_pkcs9_signingTime, -1);
    if (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME) {
        throw Error(errors::malformed, "signing-time is no time");
    }
    std::tm tm{};
    if (ASN1_TIME_to_tm(value->value.utctime, &tm) != 1) {
        throw Error(errors::malformed, "signing-time unreadable");
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

VerifiedSignature verify(std::optional<std::span<const std::uint8_t>> content,
                         std::span<const std::uint8_t> cms_der,
                         std::span<const X509* const> extra_certificates,
                         const CertificateParser& parse_certificate) {
    if (cms_der.empty() || cms_der.size() > max_signature_size) {
        throw Error(errors::malformed, fmt::format("{} bytes", cms_der.size()));
    }
    const auto apart = certificates_apart(cms_der);
    auto cms = parse(apart ? std::span<const std::uint8_t>(apart->cms) : cms_der);
    CMS_SignerInfo* si = only_signer(cms.get());
    if (CMS_signed_get_attr_count(si) <= 0) {
        throw Error(errors::missing_signed_attributes, "no signed attributes");
    }
    const ASN1_TYPE* type = required_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT);
    if (OBJ_obj2nid(type->value.object) != NID_pkcs7_data) {
        throw Error(errors::invalid, "content-type attribute is not id-data");
    }
    const bool keyed = apart.has_value();
    auto certs = keyed ? parsed(apart->certificates, parse_certificate) : embedded(cms.get());
    auto signer = find_signer(si, certs, keyed, extra_certificates, parse_certificate);

    const EVP_MD* md = digest_of(si);
    auto claimed = message_digest(si);
    if (content && claimed != ossl::digest(md, *content)) {
        throw Error(errors::content_mismatch);
    }
    CMS_SignerInfo_set1_signer_cert(si, signer.get());
    if (CMS_SignerInfo_verify(si) != 1) {
        throw Error(errors::invalid, ossl::last_error());
    }
    check_signing_certificate(si, signer.get());

    VerifiedSignature result;
    result.signing_time = signing_time(si);
    result.message_digest = std::move(claimed);
    result.digest_nid = EVP_MD_get_type(md);
    // Signer first, then the rest as embedded.
    X509_up_ref(signer.get());
    result.embedded_certificates.emplace_back(signer.get());
    for (auto& cert : certs) {
        if (cert) {
            result.embedded_certificates.push_back(keyed ? std::move(cert)
                                                         : with_key(cert.get(), {}));
        }
    }
    result.signer_certificate = std::move(signer);
    return result;
}

}  // namespace

VerifiedSignature verify_cades(std::span<const std::uint8_t> content,
                               std::span<const std::uint8_t> cms_der,
                               std::span<const X509* const> extra_certificates,
                               const CertificateParser& parse_certificate) {
    return verify(content, cms_der, extra_certificates, parse_certificate);
}

VerifiedSignature verify_cades_without_content(std::span<const std::uint8_t> cms_der,
                                               std::span<const X509* const> extra_certificates,
                                               const CertificateParser& parse_certificate) {
    return verify(std::nullopt, cms_der, extra_certificates, parse_certificate);
}

}  // namespace sigcard::signature
