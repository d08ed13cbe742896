// Token administration for card production and the CA's HSM: initialise a blank token, set and
// change PINs, generate a non-extractable key pair on the token, store certificates on it.
#pragma once

#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "common/secret.hpp"
#include "crypto/ossl.hpp"

#include <string>
#include <string_view>

namespace sigcard::smartcard {

enum class KeyType { ec_p256, ec_p384, rsa_3072 };

struct KeyPairSpec {
    KeyType type = KeyType::ec_p256;
    ossl::Bytes id;     // CKA_ID linking key pair and certificate
    std::string label;  // CKA_LABEL of both halves
    // The card asks for the PIN again before every signature (CKA_ALWAYS_AUTHENTICATE).
    bool always_authenticate = false;
};

struct GeneratedKeyPair {
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    ossl::EvpPkeyPtr public_key_value;  // for the certificate request
};

// Initialises the blank token in `slot` (C_InitToken) with `label` and the security officer
// PIN, and returns its new state. Slot ids may change afterwards: look the token up by label.
TokenInfo initialize_token(const Pkcs11Module& module, CK_SLOT_ID slot, std::string_view label,
                           const Secret& so_pin);

// Sets the user PIN (e.g. the transport PIN of a new card). `so_session` must be read-write and
// logged in as security officer.
void set_user_pin(CardSession& so_session, const Secret& user_pin);

// Changes the PIN of the logged-in user (C_SetPIN). A wrong old PIN gives card.pin_incorrect*.
void change_pin(CardSession& session, const Secret& old_pin, const Secret& new_pin);

// Generates the key pair on the token: private half CKA_SENSITIVE, not CKA_EXTRACTABLE, private
// to the user; `session` must be read-write and logged in as user.
GeneratedKeyPair generate_key_pair(CardSession& session, const KeyPairSpec& spec);

// Stores the holder's certificate next to its key (same CKA_ID).
CK_OBJECT_HANDLE store_certificate(CardSession& session, const X509* cert, const ossl::Bytes& id,
                                   std::string_view label);

// Stores a CA certificate of the chain (CKA_CERTIFICATE_CATEGORY authority, CKA_TRUSTED false:
// the card is no trust store).
CK_OBJECT_HANDLE store_ca_certificate(CardSession& session, const X509* cert, const ossl::Bytes& id,
                                      std::string_view label);

}  // namespace sigcard::smartcard
