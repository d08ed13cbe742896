// The card-side steps of personalising a blank card, as production runs them at the card: the
// token initialised with the holder's transport PIN, the key pair generated on the card, and —
// once the CA has issued it — the certificate with its chain written next to the key. The CA's
// side (issuing the certificate) happens elsewhere, possibly in another process.
#pragma once

#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/token_admin.hpp"
#include "common/secret.hpp"
#include "crypto/ossl.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sigcard::smartcard {

class BlankCard {
public:
    // Initialises the blank token in `module` with `label` (random SO PIN, forgotten), sets the
    // transport PIN and generates the qualified signature key pair on it.
    BlankCard(const Pkcs11Module& module, const std::string& label, KeyType key_type,
              const Secret& transport_pin);

    const std::string& card_serial() const { return card_serial_; }
    EVP_PKEY* public_key() const { return public_key_.get(); }

    // Writes the holder's certificate (next to the key) and the CA chain (issuing CA, root).
    void store_certificates(const X509* certificate, const std::vector<const X509*>& chain);

private:
    std::string card_serial_;
    ossl::Bytes key_id_;
    ossl::EvpPkeyPtr public_key_;
    std::unique_ptr<CardSession> session_;
};

}  // namespace sigcard::smartcard
