// A loaded PKCS#11 module (OpenSC, a card vendor's module, SoftHSM2, an HSM) and what it sees:
// slots (readers) and the tokens (cards) in them. Everything else in this part builds on it.
#pragma once

#include <p11-kit/pkcs11.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::smartcard {

// One slot and, when present, the token in it. Slot ids are not stable across module loads or
// token initialisation: find a token by its label.
struct TokenInfo {
    CK_SLOT_ID slot = 0;
    std::string reader;  // slot description
    bool present = false;
    std::string label;
    std::string serial;
    std::string manufacturer;
    std::string model;
    CK_FLAGS flags = 0;

    bool initialized() const { return flags & CKF_TOKEN_INITIALIZED; }
    bool user_pin_initialized() const { return flags & CKF_USER_PIN_INITIALIZED; }
    // A class 2 reader: the PIN is entered on the reader's keypad, never on the PC.
    bool has_pin_pad() const { return flags & CKF_PROTECTED_AUTHENTICATION_PATH; }
    bool pin_count_low() const { return flags & CKF_USER_PIN_COUNT_LOW; }
    bool pin_final_try() const { return flags & CKF_USER_PIN_FINAL_TRY; }
    bool pin_locked() const { return flags & CKF_USER_PIN_LOCKED; }
};

class Pkcs11Module {
public:
    // Loads and initialises the module. Throws card.module_missing / card.module_not_loadable.
    explicit Pkcs11Module(const std::filesystem::path& path);
    ~Pkcs11Module();
    Pkcs11Module(const Pkcs11Module&) = delete;
    Pkcs11Module& operator=(const Pkcs11Module&) = delete;

    const CK_FUNCTION_LIST& api() const { return *api_; }
    const std::filesystem::path& path() const { return path_; }

    // Finalises and initialises the module again, so that it enumerates its slots anew: some
    // modules (SoftHSM2) read their tokens only at C_Initialize, and a card put in while the
    // program runs must appear. Every session of this module must be closed before.
    void reinitialize();

    // Every slot with what is in it.
    std::vector<TokenInfo> slots() const;
    // Current flags and labels of the token in `slot` (re-read, e.g. after a wrong PIN).
    TokenInfo token(CK_SLOT_ID slot) const;
    // The initialised token with this label. Throws card.no_reader (no slots), card.no_card (no
    // token at all) or card.token_not_found.
    TokenInfo find_token(std::string_view label) const;
    // The one token there is — for a holder's PC with one card. Same errors as find_token.
    TokenInfo only_token() const;
    // A slot holding an uninitialised token (a blank card), for card production.
    TokenInfo free_slot() const;
    std::vector<CK_MECHANISM_TYPE> mechanisms(CK_SLOT_ID slot) const;

private:
    std::filesystem::path path_;
    void* library_ = nullptr;
    CK_FUNCTION_LIST* api_ = nullptr;
    bool finalize_ = false;  // false when someone else in the process initialised the module
};

// A blank-padded PKCS#11 text field (label, serial …) without its padding.
std::string trim_field(const unsigned char* field, std::size_t size);

}  // namespace sigcard::smartcard
