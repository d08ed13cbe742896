#include "smartcard/card_session.hpp"

#include "smartcard/card_errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sigcard::smartcard {

CardSession::CardSession(const Pkcs11Module& module, CK_SLOT_ID slot, Access access)
    : module_(&module), slot_(slot) {
    CK_FLAGS flags = CKF_SERIAL_SESSION;
    if (access == Access::read_write) {
        flags |= CKF_RW_SESSION;
    }
    CK_RV rv = api().C_OpenSession(slot, flags, nullptr, nullptr, &handle_);
    if (rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::open_session, 0,
                               fmt::format("C_OpenSession slot {}", slot));
    }
}

CardSession::~CardSession() {
    // Best effort: the card may already be gone, and a destructor must not throw.
    if (logged_in_) {
        api().C_Logout(handle_);
    }
    api().C_CloseSession(handle_);
}

void CardSession::check(CK_RV rv, errors::Step step, std::string_view call) const {
    if (rv == CKR_OK) {
        return;
    }
    CK_FLAGS flags = 0;
    if (rv == CKR_PIN_INCORRECT) {
        try {
            flags = token().flags;
        } catch (const Error&) {
            // No retry information; the plain wrong-PIN message still holds.
        }
    }
    throw errors::to_error(rv, step, flags, std::string(call));
}

void CardSession::login_as(CK_USER_TYPE user, const Secret* pin) {
    // PKCS#11 wants a mutable pointer; the PIN is copied into a Secret so the caller's stays
    // untouched and the copy is wiped when this returns.
    Secret copy = pin != nullptr ? *pin : Secret();
    auto* bytes = pin != nullptr
                      ? reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(copy.view().data()))
                      : nullptr;
    CK_RV rv = api().C_Login(handle_, user, bytes, pin != nullptr ? copy.size() : 0);
    if (rv == CKR_USER_ALREADY_LOGGED_IN && user != CKU_CONTEXT_SPECIFIC) {
        rv = CKR_OK;  // another session on this token logged in; the login state is per token
    }
    check(rv, errors::Step::login, "C_Login");
    if (user != CKU_CONTEXT_SPECIFIC) {
        logged_in_ = true;
    }
}

void CardSession::login(const Secret& pin) {
    login_as(CKU_USER, &pin);
}

void CardSession::login_on_pin_pad() {
    login_as(CKU_USER, nullptr);
}

void CardSession::login_security_officer(const Secret& so_pin) {
    login_as(CKU_SO, &so_pin);
}

void CardSession::login_context_specific(const Secret* pin) {
    login_as(CKU_CONTEXT_SPECIFIC, pin);
}

void CardSession::login_holder(const CardPolicy& policy, const Secret* pin) {
    const TokenInfo info = token();
    if (info.pin_locked()) {
        throw Error(errors::pin_locked, "token flags say locked");
    }
    if (info.has_pin_pad()) {
        login_on_pin_pad();  // a PIN typed on the PC is not used when the reader has a pad
        return;
    }
    if (policy.require_pin_pad) {
        throw Error(errors::pin_pad_required, fmt::format("reader '{}'", info.reader));
    }
    if (pin == nullptr) {
        throw Error(errors::not_logged_in, "no PIN given and no PIN pad");
    }
    login(*pin);
}

void CardSession::logout() {
    if (logged_in_) {
        api().C_Logout(handle_);
        logged_in_ = false;
    }
}

std::vector<CK_OBJECT_HANDLE> CardSession::find_objects(std::span<const CK_ATTRIBUTE> match) const {
    // The template is only read by the module; the C signature lacks const.
    auto* templ = const_cast<CK_ATTRIBUTE*>(match.data());
    check(api().C_FindObjectsInit(handle_, templ, match.size()), errors::Step::other,
          "C_FindObjectsInit");
    std::vector<CK_OBJECT_HANDLE> out;
    CK_OBJECT_HANDLE batch[32];
    CK_ULONG found = 0;
    CK_RV rv = CKR_OK;
    do {
        rv = api().C_FindObjects(handle_, batch, std::size(batch), &found);
        if (rv != CKR_OK) {
            break;
        }
        out.insert(out.end(), batch, batch + found);
    } while (found == std::size(batch));
    api().C_FindObjectsFinal(handle_);
    check(rv, errors::Step::other, "C_FindObjects");
    return out;
}

std::optional<ossl::Bytes> CardSession::attribute(CK_OBJECT_HANDLE object,
                                                  CK_ATTRIBUTE_TYPE type) const {
    CK_ATTRIBUTE attr{type, nullptr, 0};
    CK_RV rv = api().C_GetAttributeValue(handle_, object, &attr, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
        attr.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return std::nullopt;
    }
    check(rv, errors::Step::other, "C_GetAttributeValue");
    ossl::Bytes value(attr.ulValueLen);
    attr.pValue = value.data();
    check(api().C_GetAttributeValue(handle_, object, &attr, 1), errors::Step::other,
          "C_GetAttributeValue");
    value.resize(attr.ulValueLen);
    return value;
}

bool CardSession::flag_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto value = attribute(object, type);
    return value && value->size() == sizeof(CK_BBOOL) && (*value)[0] == CK_TRUE;
}

void CardSession::require_mechanism(CK_MECHANISM_TYPE mechanism) const {
    const auto offered = module_->mechanisms(slot_);
    if (std::find(offered.begin(), offered.end(), mechanism) == offered.end()) {
        throw Error(errors::mechanism_not_supported, fmt::format("mechanism 0x{:x}", mechanism));
    }
}

}  // namespace sigcard::smartcard
