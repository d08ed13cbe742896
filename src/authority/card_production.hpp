// Card production: personalise a blank card for a holder — token initialised with a transport
// PIN, key pair generated on the card, qualified certificate issued and written with its chain,
// and the card recorded in the card register with the identification it rests on.
#pragma once

#include "authority/trust_center.hpp"
#include "smartcard/token_admin.hpp"
#include "cards/card_register.hpp"
#include "common/secret.hpp"
#include "pki/qualified_profile.hpp"

#include <optional>
#include <string>

namespace sigcard::authority {

struct CardOrder {
    pki::HolderProfile holder;
    std::string token_label;  // label of the new card, e.g. "SigCard Erika Mustermann"
    smartcard::KeyType key_type = smartcard::KeyType::ec_p256;
    Secret transport_pin;                    // the PIN the holder gets by separate letter
    std::optional<std::int64_t> partner_id;  // sold by this cooperation partner
    cards::IdentificationMethod identification_method = cards::IdentificationMethod::in_person;
    std::int64_t identified_at = 0;  // unix seconds
    int remote_renewals = 0;         // follow-up orders since that identification
    std::optional<std::int64_t> replaces_card_id;
    std::optional<std::int64_t> order_id;
    std::optional<pki::Validity> validity;  // default: from now for the policy's validity
    // The certificate stays on hold until the holder confirms receipt (follow-up cards).
    bool hold_until_receipt = false;
    std::string actor = "system";
};

struct ProducedCard {
    std::int64_t card_id = 0;
    std::string card_serial;
    std::string token_label;
    ossl::X509Ptr certificate;
    std::string certificate_serial;
};

ProducedCard produce_card(TrustCenter& trust_center, const CardOrder& order);

// Six random digits (no bias), the card's transport PIN for the PIN letter.
Secret random_transport_pin();

// The key type of a certificate's key: a follow-up card gets a key of the same kind.
smartcard::KeyType key_type_of_certificate(const X509* certificate);

// "SigCard <order number>", cut to the 32 bytes of a PKCS#11 label.
std::string default_token_label(const std::string& order_number);

}  // namespace sigcard::authority
