#include "pki/external_signing.hpp"

#include "crypto/der.hpp"
#include "pki/pki_errors.hpp"

namespace sigcard::pki {

namespace {
using ossl::Bytes;
using X509AlgorPtr = std::unique_ptr<X509_ALGOR, ossl::Deleter<X509_ALGOR_free>>;

// RSA PKCS#1 v1.5 identifiers carry NULL parameters, ECDSA ones none (RFC 5758).
void set_algorithm(X509_ALGOR* alg, const crypto::Signer& signer, crypto::DigestAlgorithm digest) {
    const bool rsa = EVP_PKEY_get_base_id(signer.public_key()) == EVP_PKEY_RSA;
    X509_ALGOR_set0(alg, OBJ_nid2obj(crypto::signature_nid(signer.public_key(), digest)),
                    rsa ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr);
}

// SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING, extra } — the shape of all three.
Bytes envelope(std::span<const std::uint8_t> tbs, std::span<const std::uint8_t> algorithm,
               std::span<const std::uint8_t> signature, std::span<const std::uint8_t> extra = {}) {
    return der::sequence({tbs, algorithm, der::bit_string(signature), extra});
}

Bytes signed_envelope(std::span<const std::uint8_t> tbs, crypto::Signer& signer,
                      crypto::DigestAlgorithm digest) {
    const Bytes signature = signer.sign(digest, tbs);
    return envelope(tbs, signature_algorithm(signer, digest), signature);
}

ossl::X509Ptr share(const X509* cert) {
    X509_up_ref(const_cast<X509*>(cert));
    return ossl::X509Ptr(const_cast<X509*>(cert));
}

bool verifies(EVP_PKEY* key, crypto::DigestAlgorithm digest, std::span<const std::uint8_t> data,
              std::span<const std::uint8_t> signature) {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx &&
           EVP_DigestVerifyInit(ctx.get(), nullptr, crypto::evp_md(digest), nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                            data.size()) == 1;
}
}  // namespace

Bytes signature_algorithm(const crypto::Signer& signer, crypto::DigestAlgorithm digest) {
    X509AlgorPtr alg(X509_ALGOR_new());
    set_algorithm(alg.get(), signer, digest);
    const int len = i2d_X509_ALGOR(alg.get(), nullptr);
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_X509_ALGOR(alg.get(), &p);
    return out;
}

ossl::X509Ptr sign_certificate(X509* tbs, crypto::Signer& signer, crypto::DigestAlgorithm digest) {
    // OpenSSL offers no setter for the TBS signature field other than through its own signing;
    // the getter hands out the field itself, which is what we fill.
    set_algorithm(const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(tbs)), signer, digest);
    const int len = i2d_re_X509_tbs(tbs, nullptr);
    if (len <= 0) {
        throw Error(errors::signing_failed, "TBSCertificate: " + ossl::last_error());
    }
    Bytes tbs_der(static_cast<std::size_t>(len));
    unsigned char* p = tbs_der.data();
    i2d_re_X509_tbs(tbs, &p);

    const Bytes der = signed_envelope(tbs_der, signer, digest);
    auto cert = ossl::x509_from_der(der);
    if (!cert || X509_verify(cert.get(), signer.public_key()) != 1) {
        throw Error(errors::signing_failed, "certificate does not verify: " + ossl::last_error());
    }
    return cert;
}

ossl::X509CrlPtr sign_crl(std::span<const std::uint8_t> tbs_cert_list, crypto::Signer& signer,
                          crypto::DigestAlgorithm digest) {
    const Bytes der = signed_envelope(tbs_cert_list, signer, digest);
    const unsigned char* p = der.data();
    ossl::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    if (!crl || X509_CRL_verify(crl.get(), signer.public_key()) != 1) {
        throw Error(errors::signing_failed, "CRL does not verify: " + ossl::last_error());
    }
    return crl;
}

OcspResponseSigner::OcspResponseSigner(crypto::Signer& signer, const X509* signer_cert,
                                       crypto::DigestAlgorithm digest)
    : signer_(signer),
      cert_(share(signer_cert)),
      digest_(digest),
      algorithm_(signature_algorithm(signer, digest)),
      certs_(
          der::tlv(der::tag::context(0), der::tlv(der::tag::sequence, ossl::to_der(signer_cert)))) {
    if (!cert_ || X509_get0_pubkey(cert_.get()) == nullptr) {
        throw Error(errors::signing_failed, "OCSP signer certificate: " + ossl::last_error());
    }
}

Bytes OcspResponseSigner::sign(std::span<const std::uint8_t> response_data) const {
    const Bytes signature = signer_.sign(digest_, response_data);
    if (!verifies(X509_get0_pubkey(cert_.get()), digest_, response_data, signature)) {
        ossl::last_error();  // drop the verifier's complaints
        throw Error(errors::signing_failed,
                    "OCSP response signature does not verify with the responder certificate");
    }
    return envelope(response_data, algorithm_, signature, certs_);
}

}  // namespace sigcard::pki
