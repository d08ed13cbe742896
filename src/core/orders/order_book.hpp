// Every order, whichever way it came in, as holders look theirs up and the back office moves
// them along: each step checked against the order life (order_life.hpp) and recorded with an
// event and an audit record.
#pragma once

#include "orders/order_life.hpp"
#include "orders/order_record.hpp"
#include "orders/order_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::orders {

class OrderBook {
public:
    explicit OrderBook(OrderStore& store) : store_(store) {}

    std::optional<OrderRecord> find(const std::string& order_number) const;
    // For holders: the order only when the email matches (else nullopt, no hint which was wrong).
    std::optional<OrderRecord> find_for_holder(const std::string& order_number,
                                               const std::string& email) const;
    std::vector<OrderRecord> list(std::optional<OrderState> state = std::nullopt) const;

    // What is waiting for whom: the open orders per party, for the back office's queues.
    struct Waiting {
        Party party = Party::nobody;
        std::int64_t orders = 0;
    };
    std::vector<Waiting> waiting() const;

    // Each checks the current state (order.invalid_transition) and records an event and an
    // audit record. Approval is not here: it takes two signed decisions (backoffice/approvals).
    void reject(const std::string& order_number, const std::string& actor,
                const std::string& reason, std::int64_t now);
    void cancel(const std::string& order_number, const std::string& actor, std::int64_t now);
    // The holder withdraws an order nobody has approved yet (order.invalid_transition after).
    void cancel_by_holder(const std::string& order_number, std::int64_t now);
    // A new order not identified by its deadline: awaiting_identification → expired.
    void expire(const std::string& order_number, const std::string& reason, std::int64_t now);
    // approved → in_production; the caller produces the card, then calls mark_shipped.
    void start_production(const std::string& order_number, const std::string& actor,
                          std::int64_t now);
    void mark_shipped(const std::string& order_number, std::int64_t new_card_id,
                      const std::string& actor, std::int64_t now);
    // The card production made for an order in production, before it is shipped.
    void attach_new_card(const std::string& order_number, std::int64_t card_id) {
        store_.attach_new_card(order_number, card_id);
    }
    // shipped → active: the caller releases the new certificate's hold in the same step.
    void mark_active(const std::string& order_number, const std::string& actor, std::int64_t now);

private:
    void take(OrderStep step, const std::string& order_number, const std::string& actor,
              const std::string& note, std::int64_t now,
              std::optional<std::int64_t> new_card_id = std::nullopt);

    OrderStore& store_;
};

}  // namespace sigcard::orders
