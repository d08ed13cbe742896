#include "smartcard/card_errors.hpp"

#include <fmt/format.h>

namespace sigcard::smartcard::errors {

std::string rv_name(CK_RV rv) {
    switch (rv) {
        case CKR_OK:
            return "CKR_OK";
        case CKR_DEVICE_ERROR:
            return "CKR_DEVICE_ERROR";
        case CKR_DEVICE_REMOVED:
            return "CKR_DEVICE_REMOVED";
        case CKR_TOKEN_NOT_PRESENT:
            return "CKR_TOKEN_NOT_PRESENT";
        case CKR_TOKEN_NOT_RECOGNIZED:
            return "CKR_TOKEN_NOT_RECOGNIZED";
        case CKR_SESSION_HANDLE_INVALID:
            return "CKR_SESSION_HANDLE_INVALID";
        case CKR_SESSION_CLOSED:
            return "CKR_SESSION_CLOSED";
        case CKR_PIN_INCORRECT:
            return "CKR_PIN_INCORRECT";
        case CKR_PIN_LOCKED:
            return "CKR_PIN_LOCKED";
        case CKR_PIN_INVALID:
            return "CKR_PIN_INVALID";
        case CKR_PIN_LEN_RANGE:
            return "CKR_PIN_LEN_RANGE";
        case CKR_FUNCTION_CANCELED:
            return "CKR_FUNCTION_CANCELED";
        case CKR_MECHANISM_INVALID:
            return "CKR_MECHANISM_INVALID";
        case CKR_MECHANISM_PARAM_INVALID:
            return "CKR_MECHANISM_PARAM_INVALID";
        case CKR_USER_NOT_LOGGED_IN:
            return "CKR_USER_NOT_LOGGED_IN";
        case CKR_SLOT_ID_INVALID:
            return "CKR_SLOT_ID_INVALID";
        case CKR_KEY_TYPE_INCONSISTENT:
            return "CKR_KEY_TYPE_INCONSISTENT";
        case CKR_ATTRIBUTE_SENSITIVE:
            return "CKR_ATTRIBUTE_SENSITIVE";
        default:
            return fmt::format("CKR_0x{:x}", rv);
    }
}

namespace {

const ErrorCode& wrong_pin(CK_FLAGS flags) {
    // The token tells how close the PIN is to being locked only through these flags.
    if (flags & CKF_USER_PIN_LOCKED) {
        return pin_locked;
    }
    if (flags & CKF_USER_PIN_FINAL_TRY) {
        return pin_incorrect_final_try;
    }
    if (flags & CKF_USER_PIN_COUNT_LOW) {
        return pin_incorrect_count_low;
    }
    return pin_incorrect;
}

}  // namespace

Error to_error(CK_RV rv, Step step, CK_FLAGS token_flags, std::string detail) {
    detail = fmt::format("{} ({})", detail, rv_name(rv));
    switch (rv) {
        case CKR_DEVICE_REMOVED:
        case CKR_TOKEN_NOT_PRESENT:
        case CKR_SESSION_HANDLE_INVALID:
        case CKR_SESSION_CLOSED:
            return step == Step::open_session && rv == CKR_TOKEN_NOT_PRESENT
                       ? Error(no_card, detail)
                       : Error(card_removed, detail);
        case CKR_DEVICE_ERROR:
            // OpenSC maps the PC/SC sharing violation (another program holds the card
            // exclusively) to CKR_DEVICE_ERROR when the session is opened.
            return step == Step::open_session ? Error(in_use_by_other_program, detail)
                                              : Error(device_error, detail);
        case CKR_PIN_INCORRECT:
            return Error(wrong_pin(token_flags), detail);
        case CKR_PIN_LOCKED:
            return Error(pin_locked, detail);
        case CKR_PIN_INVALID:
        case CKR_PIN_LEN_RANGE:
            return Error(pin_invalid, detail);
        case CKR_FUNCTION_CANCELED:
            return Error(pin_pad_cancelled, detail);
        case CKR_MECHANISM_INVALID:
        case CKR_MECHANISM_PARAM_INVALID:
        case CKR_KEY_TYPE_INCONSISTENT:
        case CKR_KEY_FUNCTION_NOT_PERMITTED:
            return Error(mechanism_not_supported, detail);
        case CKR_USER_NOT_LOGGED_IN:
            return Error(not_logged_in, detail);
        case CKR_TOKEN_NOT_RECOGNIZED:
        case CKR_SLOT_ID_INVALID:
            return Error(no_card, detail);
        default:
            return Error(step == Step::load ? module_not_loadable : device_error, detail);
    }
}

}  // namespace sigcard::smartcard::errors
