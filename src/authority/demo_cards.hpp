// The demo set of signature cards: one card for each answer a follow-up order can get (eligible,
// expired, revoked, partner card, identification too old) and one for each kind of subject
// (pseudonym, admission, procuration, PIN-pad reader). Made by the ordinary card production in
// the trust center's own token store, so the demo runs the same path as a real card.
#pragma once

#include "authority/trust_center.hpp"
#include "smartcard/token_admin.hpp"
#include "cards/card_register.hpp"
#include "common/error.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::authority {

namespace errors {
inline constexpr ErrorCode demo_cards_exist{
    "demo.cards_exist",
    "Die Demo-Karten gibt es in diesem Trust Center schon; es wurde nichts verändert.",
    "The demo cards already exist in this trust center; nothing was changed."};
}  // namespace errors

// The demo cooperation partner: its cards renew there, not here (R4).
inline constexpr const char* kDemoPartnerName = "Kammer-Service GmbH";

enum class DemoValidity {
    renewable_now,  // ends ~60 days from now: inside the default 90-day renewal window
    expired,        // ended a month ago
};

// One card of the demo set, as data: what it is, and what a follow-up order with it answers.
struct DemoCardSpec {
    std::string slug{};         // its certificate goes to DIR/cards/<slug>.pem
    std::string token_label{};  // the card's token label
    std::string pin{};          // the card's PIN (demo only)
    std::string what{};
    std::string expected_answer{};  // "eligible" or the eligibility refusal code
    pki::HolderProfile holder{};
    smartcard::KeyType key_type = smartcard::KeyType::ec_p256;
    cards::IdentificationMethod identification = cards::IdentificationMethod::postident;
    int identified_days_ago = 0;
    int remote_renewals = 0;
    DemoValidity validity = DemoValidity::renewable_now;
    bool sold_by_partner = false;
    std::optional<pki::RevocationReason> revoked{};  // revoked right after production
    bool pin_pad = false;                            // also configured behind the FAKE PIN pad
};

// The demo set, in the order the table shows it.
const std::vector<DemoCardSpec>& demo_card_set();

struct DemoCard {
    const DemoCardSpec* spec = nullptr;
    std::int64_t card_id = 0;
    std::string card_serial;
    std::string certificate_serial;
    std::filesystem::path certificate_file;
};

struct DemoSet {
    std::vector<DemoCard> cards;
    std::int64_t partner_id = 0;
    std::filesystem::path folder;         // DIR/cards: certificates, README.txt, pinpad config
    std::filesystem::path softhsm_conf;   // SOFTHSM2_CONF a holder's PC would use
    std::string module;                   // the PKCS#11 module holding the cards
    std::filesystem::path pinpad_config;  // SIGCARD_PINPAD_FAKE_CONFIG for the PIN-pad card
};

// Produces the demo set in the trust center (registers the demo partner when missing), writes
// the certificates, the FAKE PIN-pad configuration and README.txt to DIR/cards. Throws
// demo.cards_exist, before changing anything, when a demo card or DIR/cards already exists.
DemoSet create_demo_cards(TrustCenter& trust_center);

// One card of a demo set made by the ordinary card production; its certificate written to
// folder/<slug>.pem; revoked right away when the spec says so.
DemoCard produce_demo_card(TrustCenter& trust_center, const DemoCardSpec& spec,
                           std::int64_t partner_id, const std::filesystem::path& folder);

// The table of the demo set (token label, PIN, what it is, certificate serial, expected answer)
// and how to reach the cards, as printed and written to README.txt.
std::string demo_card_table(const DemoSet& set);

}  // namespace sigcard::authority
