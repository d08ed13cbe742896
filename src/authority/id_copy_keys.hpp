// The key that wraps the keys of ID copies: an AES-256 key in the trust center's HSM token
// (smartcard/hsm_wrapping_key.hpp), made there the first time it is needed.
#pragma once

#include "authority/trust_center.hpp"
#include "identification/in_person.hpp"
#include "smartcard/hsm_wrapping_key.hpp"

namespace sigcard::authority {

class HsmKeyWrapper final : public identification::KeyWrapper {
public:
    explicit HsmKeyWrapper(TrustCenter& trust_center);
    std::string wrap(std::span<const std::uint8_t> key, std::string_view aad) override {
        return key_.wrap(key, aad);
    }
    Secret unwrap(std::string_view wrapped, std::string_view aad) override {
        return key_.unwrap(wrapped, aad);
    }

    static constexpr const char* label = "SigCard ID copy wrapping key";

private:
    smartcard::HsmWrappingKey key_;
};

}  // namespace sigcard::authority
