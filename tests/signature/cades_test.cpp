// CAdES-B-B order signatures: creation, verification, each refusal with its code, and interop
// with the openssl CLI in both directions.
#include "signature/cades.hpp"
#include "signature/cades_test_support.hpp"
#include "signature/signature_errors.hpp"

#include <openssl/ess.h>

namespace sigcard::testing {
namespace {

using crypto::DigestAlgorithm;
using crypto::SoftwareSigner;

ossl::Bytes to_bytes(CMS_ContentInfo* cms) {
    unsigned char* der = nullptr;
    const int len = i2d_CMS_ContentInfo(cms, &der);
    ossl::Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

ossl::CmsPtr from_bytes(const ossl::Bytes& der) {
    const unsigned char* p = der.data();
    return ossl::CmsPtr(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
}

// A detached signature made by OpenSSL itself with `flags` (for the refusal tests).
ossl::Bytes openssl_signature(EVP_PKEY* key, X509* cert, const ossl::Bytes& content,
                              unsigned flags) {
    ossl::BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    ossl::CmsPtr cms(CMS_sign(cert, key, nullptr, in.get(), flags | CMS_DETACHED | CMS_BINARY));
    return to_bytes(cms.get());
}

class CadesTest : public ::testing::Test {
protected:
    TestCa ca_;
    SoftwareSigner holder_ = SoftwareSigner::generate_ec();
    ossl::X509Ptr cert_ = ca_.issue(holder_.public_key(), "Erika Mustermann");
    const ossl::Bytes order_ = [] {
        auto text = ossl::as_bytes("Folgeauftrag Nr. 4711\nName unverändert: ja\n");
        return ossl::Bytes(text.begin(), text.end());
    }();

    // The order signed by the holder with exactly one signed attribute besides the CMS ones:
    // `nid` with the DER `value` (a SEQUENCE).
    ossl::Bytes signed_with_attribute(int nid, const unsigned char* value, int length) const {
        ossl::BioPtr in(BIO_new_mem_buf(order_.data(), static_cast<int>(order_.size())));
        const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY;
        ossl::CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
        CMS_SignerInfo* si =
            CMS_add1_signer(cms.get(), cert_.get(), holder_.private_key(), EVP_sha256(), flags);
        CMS_signed_add1_attr_by_NID(si, nid, V_ASN1_SEQUENCE, value, length);
        if (CMS_final(cms.get(), in.get(), nullptr, flags) != 1) {
            throw std::runtime_error("CMS_final failed");
        }
        return to_bytes(cms.get());
    }
};

TEST_F(CadesTest, CreatedSignatureVerifiesAndNamesSignerAndTime) {
    const auto t = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01
    const X509* chain[] = {ca_.certificate.get()};
    const auto cms =
        signature::create_cades(holder_, cert_.get(), order_, DigestAlgorithm::sha256, chain, t);
    const auto verified = signature::verify_cades(order_, cms);
    EXPECT_EQ(X509_cmp(verified.signer_certificate.get(), cert_.get()), 0);
    EXPECT_EQ(verified.signing_time, t);
    ASSERT_EQ(verified.embedded_certificates.size(), 2u);
    EXPECT_EQ(X509_cmp(verified.embedded_certificates[0].get(), cert_.get()), 0);
    // The CMS is parsed without the embedded keys; what comes back has them.
    for (const auto& embedded : verified.embedded_certificates) {
        EXPECT_NE(X509_get0_pubkey(embedded.get()), nullptr);
    }
}

TEST_F(CadesTest, SignerKeyComesFromTheCertificateParserForTheEmbeddedBytes) {
    const auto cms = signature::create_cades(holder_, cert_.get(), order_);
    std::vector<ossl::Bytes> asked;
    const auto verified =
        signature::verify_cades(order_, cms, {}, [&](std::span<const std::uint8_t> der) {
            asked.emplace_back(der.begin(), der.end());
            X509_up_ref(cert_.get());
            return ossl::X509Ptr(cert_.get());
        });
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0], ossl::to_der(cert_.get()));
    EXPECT_EQ(verified.signer_certificate.get(), cert_.get());  // the parser's copy

    // A parser that hands back nothing makes the signer unreadable.
    EXPECT_SIGCARD_ERROR(
        signature::verify_cades(order_, cms, {},
                                [](std::span<const std::uint8_t>) { return ossl::X509Ptr(); }),
        "signature.malformed");
    // The signer is what the parser hands back for the embedded bytes: another certificate
    // (another key) is not the one the signature names.
    auto other = SoftwareSigner::generate_ec();
    auto other_cert = ca_.issue(other.public_key(), "Erika Mustermann");
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms, {},
                                                 [&](std::span<const std::uint8_t>) {
                                                     X509_up_ref(other_cert.get());
                                                     return ossl::X509Ptr(other_cert.get());
                                                 }),
                         "signature.signer_certificate_missing");
}

TEST_F(CadesTest, CarriesTheCadesBaselineAttributes) {
    const auto cms = from_bytes(signature::create_cades(holder_, cert_.get(), order_));
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    for (int nid : {NID_pkcs9_contentType, NID_pkcs9_messageDigest, NID_pkcs9_signingTime,
                    NID_id_smime_aa_signingCertificateV2}) {
        EXPECT_GE(CMS_signed_get_attr_by_NID(si, nid, -1), 0) << OBJ_nid2sn(nid);
    }
    EXPECT_EQ(CMS_is_detached(cms.get()), 1);
}

TEST_F(CadesTest, RsaAndSha384Verify) {
    auto rsa = SoftwareSigner::generate_rsa(2048);
    auto cert = ca_.issue(rsa.public_key(), "RSA holder");
    const auto cms = signature::create_cades(rsa, cert.get(), order_, DigestAlgorithm::sha384);
    EXPECT_EQ(X509_cmp(signature::verify_cades(order_, cms).signer_certificate.get(), cert.get()),
              0);
}

TEST_F(CadesTest, CertificateOfAnotherKeyIsRefusedAtCreation) {
    auto other = SoftwareSigner::generate_ec();
    EXPECT_THROW(signature::create_cades(other, cert_.get(), order_), std::invalid_argument);
}

TEST_F(CadesTest, TamperedDocumentIsContentMismatch) {
    const auto cms = signature::create_cades(holder_, cert_.get(), order_);
    auto tampered = order_;
    tampered.back() ^= 1;
    EXPECT_SIGCARD_ERROR(signature::verify_cades(tampered, cms), "signature.content_mismatch");
}

TEST_F(CadesTest, ForeignSignerIsReportedAsSuch) {
    // A valid signature by someone else: verification names that signer; the portal then sees
    // it is not the card read before.
    auto foreign = SoftwareSigner::generate_ec();
    auto foreign_cert = ca_.issue(foreign.public_key(), "Max Fremd");
    const auto cms = signature::create_cades(foreign, foreign_cert.get(), order_);
    const auto verified = signature::verify_cades(order_, cms);
    EXPECT_NE(X509_cmp(verified.signer_certificate.get(), cert_.get()), 0);
}

TEST_F(CadesTest, AlteredSignatureValueIsInvalid) {
    auto cms = from_bytes(signature::create_cades(holder_, cert_.get(), order_));
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    ossl::Bytes value(ASN1_STRING_get0_data(sig),
                      ASN1_STRING_get0_data(sig) + ASN1_STRING_length(sig));
    value[value.size() - 3] ^= 0x01;
    ASN1_STRING_set(sig, value.data(), static_cast<int>(value.size()));
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, to_bytes(cms.get())), "signature.invalid");
}

TEST_F(CadesTest, SignatureWithoutSignedAttributesIsRefused) {
    const auto cms = openssl_signature(holder_.private_key(), cert_.get(), order_, CMS_NOATTR);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms),
                         "signature.missing_signed_attributes");
}

TEST_F(CadesTest, SignatureWithoutSigningCertificateAttributeIsRefused) {
    const auto cms =
        openssl_signature(holder_.private_key(), cert_.get(), order_, 0);  // no CMS_CADES
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms),
                         "signature.missing_signed_attributes");
}

TEST_F(CadesTest, MissingSignerCertificate) {
    const auto cms =
        openssl_signature(holder_.private_key(), cert_.get(), order_, CMS_NOCERTS | CMS_CADES);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms),
                         "signature.signer_certificate_missing");
    const X509* known[] = {cert_.get()};
    EXPECT_NO_THROW(signature::verify_cades(order_, cms, known));
}

TEST_F(CadesTest, SigningCertificateAttributeNamingAnotherCertificate) {
    // Signed by the holder's key, but the ESS attribute names a different certificate: a
    // substitution the signing-certificate-v2 attribute exists to catch.
    auto other_cert = ca_.issue(holder_.public_key(), "Erika Mustermann (other)");
    std::unique_ptr<ESS_SIGNING_CERT_V2, ossl::Deleter<ESS_SIGNING_CERT_V2_free>> ess(
        OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), other_cert.get(), nullptr, 0));
    unsigned char* der = nullptr;
    const int len = i2d_ESS_SIGNING_CERT_V2(ess.get(), &der);
    const auto cms = signed_with_attribute(NID_id_smime_aa_signingCertificateV2, der, len);
    OPENSSL_free(der);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms),
                         "signature.signing_certificate_mismatch");
}

TEST_F(CadesTest, ASigningCertificateNamedBySha1OnlyIsRefused) {
    // ESS signing-certificate v1 names the right certificate, but by SHA-1: not enough.
    std::unique_ptr<ESS_SIGNING_CERT, ossl::Deleter<ESS_SIGNING_CERT_free>> ess(
        OSSL_ESS_signing_cert_new_init(cert_.get(), nullptr, 0));
    unsigned char* der = nullptr;
    const int len = i2d_ESS_SIGNING_CERT(ess.get(), &der);
    const auto cms = signed_with_attribute(NID_id_smime_aa_signingCertificate, der, len);
    OPENSSL_free(der);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms), "signature.signing_certificate_sha1");
}

TEST_F(CadesTest, GarbageEmptyTruncatedAndHugeAreMalformed) {
    const auto cms = signature::create_cades(holder_, cert_.get(), order_);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, ossl::Bytes{}), "signature.malformed");
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, ossl::random_bytes(500)),
                         "signature.malformed");
    const ossl::Bytes truncated(cms.begin(), cms.begin() + static_cast<long>(cms.size() / 2));
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, truncated), "signature.malformed");
    auto trailing = cms;
    trailing.push_back(0);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, trailing), "signature.malformed");
    const ossl::Bytes huge(signature::max_signature_size + 1, 0x30);
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, huge), "signature.malformed");
}

// The embedded certificates are read apart from the rest of the CMS: one that is no certificate
// makes the signature malformed, whether a memo knows other bytes or not.
TEST_F(CadesTest, EmbeddedCertificateThatIsNoCertificateIsMalformed) {
    auto cms = signature::create_cades(holder_, cert_.get(), order_);
    const auto cert_der = ossl::to_der(cert_.get());
    const auto at = std::search(cms.begin(), cms.end(), cert_der.begin(), cert_der.end());
    ASSERT_NE(at, cms.end());
    ASSERT_EQ(at[4], 0x30);  // tbsCertificate, after the outer header 30 82 LL LL
    at[4] = 0x04;            // now an OCTET STRING: the bytes are no certificate
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms), "signature.malformed");
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, cms, {},
                                                 [](std::span<const std::uint8_t> der) {
                                                     return ossl::x509_from_der(der);
                                                 }),
                         "signature.malformed");
}

// A signature with the issuing CA's certificate embedded as well: the signer first, then the
// others, each with its key.
TEST_F(CadesTest, EveryEmbeddedCertificateIsHandedBackWithItsKey) {
    auto cms = openssl_signature(holder_.private_key(), cert_.get(), order_, CMS_CADES);
    auto parsed = from_bytes(cms);
    ASSERT_EQ(CMS_add1_cert(parsed.get(), ca_.certificate.get()), 1);
    cms = to_bytes(parsed.get());
    const auto verified = signature::verify_cades(order_, cms);
    ASSERT_EQ(verified.embedded_certificates.size(), 2u);
    EXPECT_EQ(X509_cmp(verified.embedded_certificates[0].get(), cert_.get()), 0);
    EXPECT_EQ(X509_cmp(verified.embedded_certificates[1].get(), ca_.certificate.get()), 0);
    for (const auto& cert : verified.embedded_certificates) {
        EXPECT_NE(X509_get0_pubkey(cert.get()), nullptr);
    }
}

TEST_F(CadesTest, AttachedSignatureIsMalformedForOrders) {
    ossl::BioPtr in(BIO_new_mem_buf(order_.data(), static_cast<int>(order_.size())));
    ossl::CmsPtr cms(
        CMS_sign(cert_.get(), holder_.private_key(), nullptr, in.get(), CMS_BINARY | CMS_CADES));
    EXPECT_SIGCARD_ERROR(signature::verify_cades(order_, to_bytes(cms.get())),
                         "signature.malformed");
}

TEST_F(CadesTest, OpensslCliVerifiesSigCardSignature) {
    ScratchDir dir;
    dir.write("order.txt", order_);
    dir.write("order.p7s", signature::create_cades(holder_, cert_.get(), order_));
    write_pem(dir, "ca.pem", ca_.certificate.get());
    const auto d = dir.path().string();
    const std::string verify =
        "openssl cms -verify -binary -inform DER -in " + d + "/order.p7s -content " + d;
    EXPECT_EQ(run(verify + "/order.txt -noverify -out /dev/null"), 0);
    EXPECT_EQ(run(verify + "/order.txt -CAfile " + d + "/ca.pem -purpose any -out /dev/null"), 0);
    dir.write("tampered.txt", "something else");
    EXPECT_NE(run(verify + "/tampered.txt -noverify -out /dev/null"), 0);
}

TEST_F(CadesTest, SigCardVerifiesOpensslCliCadesSignature) {
    ScratchDir dir;
    dir.write("order.txt", order_);
    write_pem(dir, "cert.pem", cert_.get());
    {
        ossl::BioPtr bio(BIO_new_file((dir.path() / "key.pem").c_str(), "w"));
        PEM_write_bio_PrivateKey(bio.get(), holder_.private_key(), nullptr, nullptr, 0, nullptr,
                                 nullptr);
    }
    const auto d = dir.path().string();
    ASSERT_EQ(run("openssl cms -sign -binary -cades -md sha256 -outform DER -in " + d +
                  "/order.txt -signer " + d + "/cert.pem -inkey " + d + "/key.pem -out " + d +
                  "/order.p7s"),
              0);
    const auto verified = signature::verify_cades(order_, dir.read("order.p7s"));
    EXPECT_EQ(X509_cmp(verified.signer_certificate.get(), cert_.get()), 0);
}

TEST(SignatureErrors, EveryCodeHasBothTexts) {
    using namespace signature::errors;
    for (const ErrorCode* code :
         {&malformed, &content_mismatch, &invalid, &missing_signed_attributes,
          &signing_certificate_sha1,
          &signer_certificate_missing, &signing_certificate_mismatch}) {
        EXPECT_TRUE(code->id.starts_with("signature."));
        EXPECT_FALSE(code->de.empty());
        EXPECT_FALSE(code->en.empty());
    }
}

}  // namespace
}  // namespace sigcard::testing
