// The class 2 reader paths, through the FAKE PIN-pad reader module in front of SoftHSM2:
// PIN on the pad, cancel, retry counter and lock, busy card, card pulled while signing.
#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "smartcard/softhsm_fixture.hpp"
#include "signature/cades.hpp"

namespace sigcard::testing {
namespace {

using crypto::DigestAlgorithm;

class CardPinPadTest : public SoftHsmTest {
protected:
    CardPinPadTest() : module_(fake_reader_module()), card_(produce_card(module_, "Pad card")) {}

    smartcard::Pkcs11Module module_;
    ProducedCard card_;
    const smartcard::CardPolicy production_{.require_pin_pad = true};
    const ossl::Bytes order_ = ossl::random_bytes(300);
};

TEST_F(CardPinPadTest, ReaderReportsPinPadAndHolderSignsOnIt) {
    const auto token = module_.find_token("Pad card");
    EXPECT_TRUE(token.has_pin_pad());
    smartcard::CardSession session(module_, token.slot);
    session.login_holder(production_, nullptr);  // NULL PIN: typed on the pad
    ASSERT_TRUE(session.logged_in());
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    const auto cms = signature::create_cades(signer, card_.certificate.get(), order_);
    EXPECT_EQ(X509_cmp(signature::verify_cades(order_, cms).signer_certificate.get(),
                       card_.certificate.get()),
              0);
}

TEST_F(CardPinPadTest, CancelOnThePad) {
    set_fake_reader("cancel", user_pin.view());
    smartcard::CardSession session(module_, card_.token.slot);
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr), "card.pin_pad_cancelled");
    EXPECT_FALSE(session.logged_in());
}

TEST_F(CardPinPadTest, CardInUseByAnotherProgram) {
    set_fake_reader("busy", user_pin.view());
    EXPECT_SIGCARD_ERROR(smartcard::CardSession(module_, card_.token.slot),
                         "card.in_use_by_other_program");
    // Once the other program lets go, the same module works again.
    set_fake_reader("normal", user_pin.view());
    smartcard::CardSession session(module_, card_.token.slot);
    session.login_holder(production_, nullptr);
    EXPECT_TRUE(session.logged_in());
}

TEST_F(CardPinPadTest, CardRemovedWhileSigning) {
    smartcard::CardSession session(module_, card_.token.slot);
    session.login_holder(production_, nullptr);
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    set_fake_reader("removed", user_pin.view());
    EXPECT_SIGCARD_ERROR(signer.sign(DigestAlgorithm::sha256, order_), "card.removed");
    EXPECT_SIGCARD_ERROR(signature::create_cades(signer, card_.certificate.get(), order_),
                         "card.removed");
}

TEST_F(CardPinPadTest, WrongPinShowsRetriesLeftThenLocks) {
    set_fake_reader("normal", "999999");  // the holder types a wrong PIN on the pad
    smartcard::CardSession session(module_, card_.token.slot);
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr),
                         "card.pin_incorrect_count_low");
    EXPECT_TRUE(session.token().pin_count_low());
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr),
                         "card.pin_incorrect_final_try");
    EXPECT_TRUE(session.token().pin_final_try());
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr), "card.pin_locked");
    EXPECT_TRUE(session.token().pin_locked());
    // Locked stays locked, even with the right PIN now.
    set_fake_reader("normal", user_pin.view());
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr), "card.pin_locked");
    EXPECT_SIGCARD_ERROR(session.login(user_pin), "card.pin_locked");
}

TEST_F(CardPinPadTest, RightPinResetsTheRetryCounter) {
    set_fake_reader("normal", "999999");
    smartcard::CardSession session(module_, card_.token.slot);
    EXPECT_SIGCARD_ERROR(session.login_holder(production_, nullptr),
                         "card.pin_incorrect_count_low");
    set_fake_reader("normal", user_pin.view());
    session.login_holder(production_, nullptr);
    EXPECT_FALSE(session.token().pin_count_low());
}

TEST_F(CardPinPadTest, PinTypedOnPcIsNotUsedWhenReaderHasPad) {
    set_fake_reader("cancel", user_pin.view());
    smartcard::CardSession session(module_, card_.token.slot);
    // Even with a PIN from the PC, the login goes to the pad (which the holder cancels here).
    EXPECT_SIGCARD_ERROR(session.login_holder({}, &user_pin), "card.pin_pad_cancelled");
}

TEST_F(CardPinPadTest, AlwaysAuthenticateKeyAsksThePadAgain) {
    const auto aa = produce_card(module_, "AA pad card", smartcard::KeyType::ec_p256,
                                 Usage::qualified_signature, true);
    smartcard::CardSession session(module_, aa.token.slot);
    session.login_holder(production_, nullptr);
    auto signer =
        smartcard::Pkcs11Signer::for_certificate(session, smartcard::qualified_signing_certificate(session));
    ASSERT_TRUE(signer.always_authenticate());
    EXPECT_NO_THROW(signer.sign(DigestAlgorithm::sha256, order_));
    set_fake_reader("cancel", user_pin.view());
    EXPECT_SIGCARD_ERROR(signer.sign(DigestAlgorithm::sha256, order_), "card.pin_pad_cancelled");
}

}  // namespace
}  // namespace sigcard::testing
