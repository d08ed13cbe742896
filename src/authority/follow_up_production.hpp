// The back office's side of an order: the order service wired to this trust center's PKI, and
// the receipt that activates the new card (production and shipping: order_production.hpp).
#pragma once

#include "authority/card_production.hpp"
#include "authority/trust_center.hpp"
#include "common/error.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/order_errors.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/path_validation.hpp"

#include <optional>
#include <string>

namespace sigcard::authority {

namespace errors {
inline constexpr const ErrorCode& order_unknown = orders::errors::unknown;
inline constexpr ErrorCode order_not_approved{
    "order.not_approved",
    "Für diesen Auftrag kann keine Karte hergestellt werden: er ist nicht freigegeben.",
    "No card can be produced for this order: it has not been approved."};
inline constexpr ErrorCode order_not_shipped{
    "order.not_shipped",
    "Der Empfang kann nur für einen Auftrag bestätigt werden, dessen Karte versandt wurde.",
    "Receipt can only be confirmed for an order whose card has been shipped."};
inline constexpr ErrorCode replaced_card_missing{
    "order.replaced_card_missing",
    "Die Karte oder das Zertifikat, das dieser Auftrag ersetzt, ist nicht im Register.",
    "The card or certificate this order replaces is not in the register."};
}  // namespace errors

// The orders of a trust center: its order book (every order, every way in) and the follow-up
// intake, with validation and OCSP evidence from its own CA and store.
// `transport` reaches OCSP responders of certificates whose AIA points elsewhere (the portal
// passes its HTTP client; without one such certificates have no revocation status).
class TrustCenterOrders {
public:
    explicit TrustCenterOrders(TrustCenter& trust_center, pki::OcspTransport transport = {});
    TrustCenterOrders(const TrustCenterOrders&) = delete;
    TrustCenterOrders& operator=(const TrustCenterOrders&) = delete;

    orders::OrderBook& book() { return book_; }
    orders::FollowUpOrders& follow_up() { return follow_up_; }
    TrustCenter& trust_center() { return trust_center_; }

private:
    TrustCenter& trust_center_;
    pki::PathValidator validator_;
    pki::OcspResponder ocsp_;
    orders::SqlOrderStore store_;
    orders::OrderBook book_;
    orders::FollowUpOrders follow_up_;
};

// shipped → active: releases the new certificate's hold and marks the new card active.
// Returns the new certificate's serial.
std::string confirm_receipt(TrustCenterOrders& desk, const std::string& order_number,
                            const std::string& actor);

}  // namespace sigcard::authority
