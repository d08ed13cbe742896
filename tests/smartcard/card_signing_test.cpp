// Signing with a card in SoftHSM2: EC and RSA, the certificate choice, PIN handling, token
// administration and the protection of the private key.
#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "smartcard/softhsm_fixture.hpp"
#include "signature/cades.hpp"

#include <openssl/rsa.h>

namespace sigcard::testing {
namespace {

using crypto::DigestAlgorithm;

bool verifies(EVP_PKEY* key, DigestAlgorithm digest, std::span<const std::uint8_t> data,
              std::span<const std::uint8_t> signature, bool pss = false) {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestVerifyInit(ctx.get(), &pctx, crypto::evp_md(digest), nullptr, key);
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                            data.size()) == 1;
}

class CardSigningTest : public SoftHsmTest {
protected:
    smartcard::Pkcs11Module module_{SOFTHSM2_MODULE};
    const ossl::Bytes data_ = ossl::random_bytes(200);
};

TEST_F(CardSigningTest, EcP256SignatureVerifiesWithCertificateKey) {
    const auto card = produce_card(module_, "EC card");
    smartcard::CardSession session(module_, card.token.slot);
    session.login_holder({}, &user_pin);
    const auto cert = smartcard::qualified_signing_certificate(session);
    EXPECT_EQ(X509_cmp(cert.certificate.get(), card.certificate.get()), 0);
    auto signer = smartcard::Pkcs11Signer::for_certificate(session, cert);
    const auto sig = signer.sign(DigestAlgorithm::sha256, data_);
    EXPECT_TRUE(
        verifies(X509_get0_pubkey(card.certificate.get()), DigestAlgorithm::sha256, data_, sig));
}

TEST_F(CardSigningTest, EcP384WithSha384Verifies) {
    const auto card = produce_card(module_, "P384 card", smartcard::KeyType::ec_p384);
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    const auto sig = signer.sign(DigestAlgorithm::sha384, data_);
    EXPECT_TRUE(verifies(signer.public_key(), DigestAlgorithm::sha384, data_, sig));
}

TEST_F(CardSigningTest, RsaPkcs1AndPssVerify) {
    const auto card = produce_card(module_, "RSA card", smartcard::KeyType::rsa_3072);
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    EXPECT_EQ(EVP_PKEY_get_bits(signer.public_key()), 3072);
    const auto pkcs1 = signer.sign(DigestAlgorithm::sha256, data_);
    EXPECT_TRUE(verifies(signer.public_key(), DigestAlgorithm::sha256, data_, pkcs1));
    const auto hash = ossl::digest(EVP_sha384(), data_);
    const auto pss = signer.sign_digest(DigestAlgorithm::sha384, hash, smartcard::RsaPadding::pss);
    EXPECT_TRUE(verifies(signer.public_key(), DigestAlgorithm::sha384, data_, pss, true));
    EXPECT_FALSE(verifies(signer.public_key(), DigestAlgorithm::sha384, data_, pss, false));
}

TEST_F(CardSigningTest, CadesWithCardVerifiesHereAndWithOpensslCli) {
    const auto card = produce_card(module_, "CAdES card");
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    const X509* chain[] = {ca_.certificate.get()};
    const auto cms = signature::create_cades(signer, card.certificate.get(), data_,
                                             DigestAlgorithm::sha256, chain);
    const auto verified = signature::verify_cades(data_, cms);
    EXPECT_EQ(X509_cmp(verified.signer_certificate.get(), card.certificate.get()), 0);
    EXPECT_EQ(verified.embedded_certificates.size(), 2u);

    dir_.write("order.txt", data_);
    dir_.write("order.p7s", cms);
    write_pem(dir_, "ca.pem", ca_.certificate.get());
    const auto d = dir_.path().string();
    EXPECT_EQ(run("openssl cms -verify -binary -inform DER -in " + d + "/order.p7s -content " + d +
                  "/order.txt -CAfile " + d + "/ca.pem -purpose any -out /dev/null"),
              0);
}

TEST_F(CardSigningTest, AlwaysAuthenticateKeyLogsInPerSignature) {
    const auto card =
        produce_card(module_, "AA card", smartcard::KeyType::ec_p256, Usage::qualified_signature, true);
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    const auto cert = smartcard::qualified_signing_certificate(session);
    auto signer = smartcard::Pkcs11Signer::for_certificate(session, cert, Secret(user_pin.view()));
    EXPECT_TRUE(signer.always_authenticate());
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(verifies(signer.public_key(), DigestAlgorithm::sha256, data_,
                             signer.sign(DigestAlgorithm::sha256, data_)));
    }
    // Without the context-specific PIN the card refuses.
    auto no_pin = smartcard::Pkcs11Signer::for_certificate(session, cert);
    EXPECT_THROW(no_pin.sign(DigestAlgorithm::sha256, data_), Error);
}

TEST_F(CardSigningTest, CardWithoutQualifiedCertificate) {
    const auto card =
        produce_card(module_, "Auth card", smartcard::KeyType::ec_p256, Usage::authentication);
    smartcard::CardSession session(module_, card.token.slot);
    EXPECT_EQ(smartcard::read_certificates(session).size(),
              2u);  // authentication + CA, readable without PIN
    EXPECT_SIGCARD_ERROR(smartcard::qualified_signing_certificate(session),
                         "card.no_qualified_certificate");
}

TEST_F(CardSigningTest, CertificateWithoutKeyIsKeyNotFound) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    EXPECT_SIGCARD_ERROR(smartcard::find_private_key(session, {0x99}), "card.key_not_found");
}

TEST_F(CardSigningTest, PrivateKeyIsNotExtractable) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    session.login(user_pin);
    const auto key =
        smartcard::find_private_key(session, smartcard::qualified_signing_certificate(session).id);
    EXPECT_TRUE(session.flag_attribute(key, CKA_SENSITIVE));
    EXPECT_FALSE(session.flag_attribute(key, CKA_EXTRACTABLE));
    EXPECT_TRUE(session.flag_attribute(key, CKA_NEVER_EXTRACTABLE));
    EXPECT_FALSE(session.attribute(key, CKA_VALUE).has_value());
    std::uint8_t buffer[512];
    CK_ATTRIBUTE value{CKA_VALUE, buffer, sizeof buffer};
    EXPECT_EQ(session.api().C_GetAttributeValue(session.handle(), key, &value, 1),
              static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
}

TEST_F(CardSigningTest, WrongPinOnSoftHsmReportsCountLowButNeverLocks) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    // SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN but never final-try or locked;
    // the retry counter and the lock are covered through the FAKE PIN-pad reader.
    for (int i = 0; i < 5; ++i) {
        EXPECT_SIGCARD_ERROR(session.login(Secret("000000")), "card.pin_incorrect_count_low");
    }
    EXPECT_FALSE(session.logged_in());
    EXPECT_FALSE(session.token().pin_locked());
    session.login(user_pin);
    EXPECT_TRUE(session.logged_in());
}

TEST_F(CardSigningTest, RequirePinPadRefusesReaderWithoutPad) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    EXPECT_SIGCARD_ERROR(session.login_holder({.require_pin_pad = true}, &user_pin),
                         "card.pin_pad_required");
    EXPECT_FALSE(session.logged_in());
}

TEST_F(CardSigningTest, NoPinAndNoPadIsNotLoggedIn) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    EXPECT_SIGCARD_ERROR(session.login_holder({}, nullptr), "card.not_logged_in");
}

TEST_F(CardSigningTest, ChangePinThenLoginWithNewPin) {
    const auto card = produce_card(module_, "Card");
    const Secret new_pin("654321");
    {
        smartcard::CardSession session(module_, card.token.slot, smartcard::CardSession::Access::read_write);
        EXPECT_SIGCARD_ERROR(smartcard::change_pin(session, Secret("999999"), new_pin),
                             "card.pin_incorrect_count_low");
        smartcard::change_pin(session, user_pin, new_pin);
    }
    smartcard::CardSession session(module_, card.token.slot);
    EXPECT_SIGCARD_ERROR(session.login(user_pin), "card.pin_incorrect_count_low");
    session.login(new_pin);
    EXPECT_TRUE(session.logged_in());
}

TEST_F(CardSigningTest, TooShortPinIsPinInvalid) {
    const auto blank = module_.free_slot();
    const auto token = smartcard::initialize_token(module_, blank.slot, "Blank", so_pin);
    smartcard::CardSession so(module_, token.slot, smartcard::CardSession::Access::read_write);
    so.login_security_officer(so_pin);
    EXPECT_SIGCARD_ERROR(smartcard::set_user_pin(so, Secret("12")), "card.pin_invalid");
}

TEST_F(CardSigningTest, MechanismNotOfferedIsRefused) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    // SoftHSM2 hashes nothing inside for ECDSA: no CKM_ECDSA_SHA256.
    EXPECT_SIGCARD_ERROR(session.require_mechanism(CKM_ECDSA_SHA256),
                         "card.mechanism_not_supported");
    session.require_mechanism(CKM_ECDSA);
}

TEST_F(CardSigningTest, CertificateObjectsCarryIdSubjectAndLabel) {
    const auto card = produce_card(module_, "Card");
    smartcard::CardSession session(module_, card.token.slot);
    const auto certs = smartcard::read_certificates(session);
    ASSERT_EQ(certs.size(), 2u);
    for (const auto& c : certs) {
        EXPECT_FALSE(c.id.empty());
        EXPECT_FALSE(c.label.empty());
    }
}

}  // namespace
}  // namespace sigcard::testing
