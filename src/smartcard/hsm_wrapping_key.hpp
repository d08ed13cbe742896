// An AES-256 key that never leaves the HSM token (sensitive, not extractable), used to wrap the
// data keys of personal data at rest (ID copies): AES-GCM inside the token, bound to what the
// caller names (the additional data), so a wrapped key moved to another record does not open.
// Found by its label, made once in a read-write session when a trust center has none yet.
#pragma once

#include "common/secret.hpp"
#include "smartcard/card_session.hpp"

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace sigcard::smartcard {

class HsmWrappingKey {
public:
    // Opens its own session on `slot` (logs in with `pin` unless the token is logged in already).
    HsmWrappingKey(const Pkcs11Module& module, CK_SLOT_ID slot, const Secret& pin,
                   std::string label);

    // 12 bytes IV || ciphertext || 16 bytes tag.
    std::string wrap(std::span<const std::uint8_t> key, std::string_view aad);
    // Throws card errors when the wrapped key was changed or belongs to other additional data.
    Secret unwrap(std::string_view wrapped, std::string_view aad);

private:
    std::unique_ptr<CardSession> session_;
    CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
    std::mutex mutex_;  // one operation at a time on the session
};

}  // namespace sigcard::smartcard
