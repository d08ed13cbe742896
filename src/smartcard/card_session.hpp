// An open PKCS#11 session on one card or HSM token, and the holder's (or operator's) login on
// it. The destructor logs out and closes, so a PIN-unlocked card never outlives its use.
#pragma once

#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "common/secret.hpp"
#include "crypto/ossl.hpp"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace sigcard::smartcard {

// How strictly a holder's login is checked. Production: require_pin_pad on (source R8: class 2
// readers only, the PIN never passes through the PC); the demo may switch it off.
struct CardPolicy {
    bool require_pin_pad = false;
};

class CardSession {
public:
    enum class Access { read_only, read_write };

    // Opens a session on the token in `slot`. A card held by another program gives
    // card.in_use_by_other_program, an empty slot card.no_card.
    CardSession(const Pkcs11Module& module, CK_SLOT_ID slot, Access access = Access::read_only);
    ~CardSession();
    CardSession(const CardSession&) = delete;
    CardSession& operator=(const CardSession&) = delete;

    // The holder's login under `policy`: on a PIN pad with a NULL PIN (the holder types on the
    // reader), otherwise with `pin`. Refuses a reader without PIN pad when the policy says so.
    void login_holder(const CardPolicy& policy, const Secret* pin);
    // Login as user with a PIN from the PC (operators, HSM keys, tests).
    void login(const Secret& pin);
    // Login as user with the PIN typed on the reader's keypad.
    void login_on_pin_pad();
    // Login as security officer (token administration).
    void login_security_officer(const Secret& so_pin);
    // Re-authentication for one operation on a CKA_ALWAYS_AUTHENTICATE key, right after
    // C_SignInit; NULL `pin` means on the PIN pad.
    void login_context_specific(const Secret* pin);
    void logout();
    bool logged_in() const { return logged_in_; }

    const Pkcs11Module& module() const { return *module_; }
    const CK_FUNCTION_LIST& api() const { return module_->api(); }
    CK_SESSION_HANDLE handle() const { return handle_; }
    CK_SLOT_ID slot() const { return slot_; }
    // The token's current state (flags re-read).
    TokenInfo token() const { return module_->token(slot_); }

    std::vector<CK_OBJECT_HANDLE> find_objects(std::span<const CK_ATTRIBUTE> match) const;
    // An attribute's value; nullopt when the token will not reveal it (sensitive) or the object
    // does not have it.
    std::optional<ossl::Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    bool flag_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

    // Throws the mapped card error when `rv` is not CKR_OK; reads the token flags for the PIN
    // retry state.
    void check(CK_RV rv, errors::Step step, std::string_view call) const;
    // Throws card.mechanism_not_supported when the token does not offer `mechanism`.
    void require_mechanism(CK_MECHANISM_TYPE mechanism) const;

private:
    void login_as(CK_USER_TYPE user, const Secret* pin);

    const Pkcs11Module* module_;
    CK_SLOT_ID slot_;
    CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
    bool logged_in_ = false;
};

}  // namespace sigcard::smartcard
