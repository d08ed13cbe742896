// Production and shipping of an approved order's card, whichever way the order came in, and the
// receipt with the activation code from the PIN letter.
//
// Production (approved → in_production): a new key on a blank card, the qualified certificate —
// with the old certificate's content carried over (follow-up) or with the identified person and
// the approved attributes (new order) — on hold until receipt, the card recorded with the order,
// a fresh transport PIN and an activation code. The PIN letter with both is returned once; the
// PIN is not stored, the code only as its Argon2id hash. Shipping (in_production → shipped)
// records the tracking numbers of the card's parcel and the PIN letter, which go separately.
#pragma once

#include "authority/follow_up_production.hpp"
#include "documents/shipping_papers.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sigcard::authority {

namespace errors {
inline constexpr ErrorCode order_already_produced{
    "order.already_produced",
    "Für diesen Auftrag wurde die Karte schon hergestellt; sie wartet auf den Versand.",
    "This order's card has been produced already; it is waiting to be shipped."};
inline constexpr ErrorCode order_not_produced{
    "order.not_produced", "Dieser Auftrag hat keine hergestellte Karte, die versandt werden kann.",
    "This order has no produced card to ship."};
inline constexpr ErrorCode tracking_invalid{
    "shipping.tracking_invalid",
    "Die Sendungsnummer der Karte fehlt oder enthält Zeichen, die nicht erlaubt sind (höchstens 40 "
    "Buchstaben, Ziffern und Bindestriche).",
    "The card's tracking number is missing or contains characters that are not allowed (at most 40 "
    "letters, digits and hyphens)."};
inline constexpr ErrorCode code_wrong{
    "receipt.code_wrong",
    "Der Aktivierungscode stimmt nicht. Bitte prüfen Sie den PIN-Brief und die Auftragsnummer.",
    "The activation code is not right. Please check the PIN letter and the order number."};
inline constexpr ErrorCode code_locked{
    "receipt.code_locked",
    "Der Aktivierungscode wurde zu oft falsch eingegeben und ist gesperrt. Bitte bestätigen Sie den "
    "Empfang mit der neuen Karte oder rufen Sie uns an.",
    "The activation code was entered wrongly too often and is locked. Please confirm receipt with "
    "the new card or call us."};
inline constexpr ErrorCode code_expired{
    "receipt.code_expired",
    "Die Frist für die Aktivierung ist abgelaufen. Bitte rufen Sie uns an.",
    "The time for activation has run out. Please call us."};
}  // namespace errors

struct ProductionRequest {
    std::string order_number;
    std::optional<std::string> token_label;  // default: "SigCard <order number>"
    std::optional<Secret> transport_pin;     // default: six random digits
    std::string actor = "operator";
};

struct ProducedOrder {
    ProducedCard card;
    documents::PinLetter letter;  // printed once: PIN and activation code
};

// Throws order.unknown, order.not_approved, order.already_produced, order.replaced_card_missing
// and the card writer's and the CA's errors. An order left in production by a failed run without
// its card is produced again.
ProducedOrder produce_order(TrustCenterOrders& desk, const ProductionRequest& request,
                            std::int64_t now);

struct Shipment {
    std::string card_tracking;
    std::string letter_tracking;  // empty: the PIN letter went as a plain letter
};

// in_production (with its card) → shipped. Throws order.unknown, order.not_produced,
// shipping.tracking_invalid; nothing is stored then.
void ship_order(TrustCenterOrders& desk, const std::string& order_number, const Shipment& shipment,
                const std::string& actor, std::int64_t now);

// The shipment's tracking numbers, for the holder's status page and the back office.
std::optional<Shipment> shipment_of(storage::Database& db, const std::string& order_number);

// The order's shipping label (no secrets: any time, for the shipping role).
std::string shipping_label(TrustCenterOrders& desk, const std::string& order_number);

// shipped → active with the order number and the activation code from the PIN letter: within the
// deadline, at most activation_max_tries wrong codes (each counted even though nothing else
// changes), then the hold is released as with the card's own confirmation. Returns the
// certificate's serial. Throws order.unknown, order.not_shipped, receipt.code_wrong,
// receipt.code_locked, receipt.code_expired.
std::string confirm_receipt_with_code(TrustCenterOrders& desk, const std::string& order_number,
                                      const Secret& code, std::int64_t now);

}  // namespace sigcard::authority
