// Loading modules, finding readers and cards, and the errors on the way.
#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/softhsm_fixture.hpp"

namespace sigcard::testing {
namespace {

class CardModuleTest : public SoftHsmTest {};

TEST_F(CardModuleTest, MissingModulePathIsModuleMissing) {
    EXPECT_SIGCARD_ERROR(smartcard::Pkcs11Module(dir_.path() / "no-such-module.so"),
                         "card.module_missing");
}

TEST_F(CardModuleTest, FileThatIsNoLibraryIsNotLoadable) {
    EXPECT_SIGCARD_ERROR(smartcard::Pkcs11Module(dir_.path() / "softhsm2.conf"),
                         "card.module_not_loadable");
}

TEST_F(CardModuleTest, ListsTokensAndFindsThemByLabel) {
    smartcard::Pkcs11Module module(SOFTHSM2_MODULE);
    produce_card(module, "Card A");
    produce_card(module, "Card B");
    const auto slots = module.slots();
    EXPECT_GE(slots.size(), 3u);  // two cards plus SoftHSM's free slot
    const auto b = module.find_token("Card B");
    EXPECT_EQ(b.label, "Card B");
    EXPECT_EQ(b.manufacturer, "SoftHSM project");
    EXPECT_EQ(b.model, "SoftHSM v2");
    EXPECT_FALSE(b.serial.empty());
    EXPECT_TRUE(b.initialized());
    EXPECT_TRUE(b.user_pin_initialized());
    EXPECT_FALSE(b.has_pin_pad());
    EXPECT_NE(module.find_token("Card A").serial, b.serial);
}

TEST_F(CardModuleTest, UnknownLabelIsTokenNotFound) {
    smartcard::Pkcs11Module module(SOFTHSM2_MODULE);
    produce_card(module, "Card A");
    EXPECT_SIGCARD_ERROR(module.find_token("Card Z"), "card.token_not_found");
}

TEST_F(CardModuleTest, ModuleMayBeLoadedTwiceInOneProcess) {
    smartcard::Pkcs11Module first(SOFTHSM2_MODULE);
    produce_card(first, "Card A");
    smartcard::Pkcs11Module second(SOFTHSM2_MODULE);  // CKR_CRYPTOKI_ALREADY_INITIALIZED tolerated
    EXPECT_EQ(second.find_token("Card A").label, "Card A");
}

TEST_F(CardModuleTest, NoReaderConnected) {
    set_fake_reader("no_reader", user_pin.view());
    smartcard::Pkcs11Module module(fake_reader_module());
    EXPECT_TRUE(module.slots().empty());
    EXPECT_SIGCARD_ERROR(module.find_token("Card A"), "card.no_reader");
    EXPECT_SIGCARD_ERROR(module.free_slot(), "card.no_free_slot");
}

TEST_F(CardModuleTest, ReaderWithoutCard) {
    smartcard::Pkcs11Module module(fake_reader_module());
    const auto produced = produce_card(module, "Card A");
    set_fake_reader("removed", user_pin.view());
    EXPECT_SIGCARD_ERROR(module.find_token("Card A"), "card.no_card");
    EXPECT_SIGCARD_ERROR(module.only_token(), "card.no_card");
    EXPECT_SIGCARD_ERROR(smartcard::CardSession(module, produced.token.slot), "card.no_card");
}

TEST_F(CardModuleTest, OnlyTokenIsTheInitialisedOne) {
    smartcard::Pkcs11Module module(SOFTHSM2_MODULE);
    produce_card(module, "Card A");
    EXPECT_EQ(module.only_token().label, "Card A");
}

TEST_F(CardModuleTest, EveryErrorCodeHasBothTexts) {
    using namespace smartcard::errors;
    for (const ErrorCode* code : {&module_missing,
                                  &module_not_loadable,
                                  &no_reader,
                                  &no_card,
                                  &token_not_found,
                                  &card_removed,
                                  &in_use_by_other_program,
                                  &pin_incorrect,
                                  &pin_incorrect_count_low,
                                  &pin_incorrect_final_try,
                                  &pin_locked,
                                  &pin_invalid,
                                  &pin_pad_cancelled,
                                  &pin_pad_required,
                                  &not_logged_in,
                                  &mechanism_not_supported,
                                  &no_qualified_certificate,
                                  &key_not_found,
                                  &no_free_slot,
                                  &device_error}) {
        EXPECT_TRUE(code->id.starts_with("card."));
        EXPECT_FALSE(code->de.empty()) << code->id;
        EXPECT_FALSE(code->en.empty()) << code->id;
    }
    EXPECT_NE(std::string(in_use_by_other_program.de).find("Hintergrund"), std::string::npos);
    EXPECT_NE(std::string(in_use_by_other_program.en).find("background"), std::string::npos);
}

}  // namespace
}  // namespace sigcard::testing
