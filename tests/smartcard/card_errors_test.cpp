// The translation of PKCS#11 return values into holder-facing card errors.
#include "smartcard/card_errors.hpp"

#include <gtest/gtest.h>

namespace sigcard::smartcard::errors {
namespace {

std::string_view code_for(CK_RV rv, Step step, CK_FLAGS flags = 0) {
    return to_error(rv, step, flags, "test").id();
}

TEST(CardErrorMapping, WrongPinCarriesTheRetryStateFromTheTokenFlags) {
    EXPECT_EQ(code_for(CKR_PIN_INCORRECT, Step::login), "card.pin_incorrect");
    EXPECT_EQ(code_for(CKR_PIN_INCORRECT, Step::login, CKF_USER_PIN_COUNT_LOW),
              "card.pin_incorrect_count_low");
    EXPECT_EQ(
        code_for(CKR_PIN_INCORRECT, Step::login, CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY),
        "card.pin_incorrect_final_try");
    EXPECT_EQ(code_for(CKR_PIN_INCORRECT, Step::login, CKF_USER_PIN_LOCKED), "card.pin_locked");
    EXPECT_EQ(code_for(CKR_PIN_LOCKED, Step::login), "card.pin_locked");
    EXPECT_EQ(code_for(CKR_PIN_LEN_RANGE, Step::other), "card.pin_invalid");
}

TEST(CardErrorMapping, DeviceErrorOnOpeningIsACardHeldByAnotherProgram) {
    EXPECT_EQ(code_for(CKR_DEVICE_ERROR, Step::open_session), "card.in_use_by_other_program");
    EXPECT_EQ(code_for(CKR_DEVICE_ERROR, Step::sign), "card.device_error");
}

TEST(CardErrorMapping, CardGoneWhileSigning) {
    for (CK_RV rv : {CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID,
                     CKR_SESSION_CLOSED}) {
        EXPECT_EQ(code_for(rv, Step::sign), "card.removed") << rv_name(rv);
    }
    EXPECT_EQ(code_for(CKR_TOKEN_NOT_PRESENT, Step::open_session), "card.no_card");
}

TEST(CardErrorMapping, PadCancelMechanismAndLoad) {
    EXPECT_EQ(code_for(CKR_FUNCTION_CANCELED, Step::login), "card.pin_pad_cancelled");
    EXPECT_EQ(code_for(CKR_MECHANISM_INVALID, Step::sign), "card.mechanism_not_supported");
    EXPECT_EQ(code_for(CKR_USER_NOT_LOGGED_IN, Step::sign), "card.not_logged_in");
    EXPECT_EQ(code_for(CKR_GENERAL_ERROR, Step::load), "card.module_not_loadable");
    EXPECT_EQ(code_for(CKR_GENERAL_ERROR, Step::sign), "card.device_error");
}

TEST(CardErrorMapping, DetailNamesTheReturnValueForTheLog) {
    const auto error = to_error(CKR_PIN_INCORRECT, Step::login, 0, "C_Login");
    EXPECT_EQ(error.detail(), "C_Login (CKR_PIN_INCORRECT)");
}

}  // namespace
}  // namespace sigcard::smartcard::errors
