// An order as it is stored: what the holder entered and signed, its evidence, and its history.
#pragma once

#include "crypto/ossl.hpp"
#include "orders/order_data.hpp"
#include "orders/order_life.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::orders {

struct OrderEvent {
    std::int64_t at = 0;
    std::optional<OrderState> from;
    OrderState to = OrderState::submitted;
    std::string actor;
    std::string note;
};

struct OrderRecord {
    std::int64_t id = 0;
    std::string order_number;
    OrderKind kind = OrderKind::follow_up;
    OrderState state = OrderState::submitted;
    std::int64_t card_id = 0;
    std::optional<std::int64_t> new_card_id;
    std::string certificate_serial;
    OrderData data;
    std::string terms_version;
    std::string document;  // the signed bytes
    std::string document_sha256;
    ossl::Bytes signature;            // CMS DER
    ossl::Bytes revocation_evidence;  // OCSP response DER
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<OrderEvent> events;
};

// Why the order was rejected (the note of its step into `rejected`), as the holder is told it;
// nullopt while it is not rejected.
inline std::optional<std::string> rejection_reason(const OrderRecord& order) {
    if (order.state != OrderState::rejected) {
        return std::nullopt;
    }
    for (auto event = order.events.rbegin(); event != order.events.rend(); ++event) {
        if (event->to == OrderState::rejected) {
            return event->note;
        }
    }
    return std::nullopt;
}

// What a holder is told once an order is accepted.
struct SubmittedOrder {
    std::string order_number;
    OrderState state = OrderState::submitted;
    std::int64_t created_at = 0;
    bool already_submitted = false;  // the same signed document was submitted before
};

}  // namespace sigcard::orders
