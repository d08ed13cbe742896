#include "orders/order_book.hpp"

#include <algorithm>
#include <cctype>

namespace sigcard::orders {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace

std::optional<OrderRecord> OrderBook::find(const std::string& order_number) const {
    return store_.find(order_number);
}

std::optional<OrderRecord> OrderBook::find_for_holder(const std::string& order_number,
                                                      const std::string& email) const {
    auto order = find(order_number);
    if (!order || email.empty() || lower(order->data.contact.email) != lower(email)) {
        return std::nullopt;
    }
    return order;
}

std::vector<OrderRecord> OrderBook::list(std::optional<OrderState> state) const {
    return store_.list(state);
}

std::vector<OrderBook::Waiting> OrderBook::waiting() const {
    std::vector<Waiting> out;
    for (const auto& [state, count] : store_.count_by_state()) {
        const Party party = waiting_for(state);
        if (party == Party::nobody) {
            continue;
        }
        auto known = std::find_if(out.begin(), out.end(),
                                  [party](const Waiting& w) { return w.party == party; });
        if (known == out.end()) {
            out.push_back({party, count});
        } else {
            known->orders += count;
        }
    }
    return out;
}

void OrderBook::take(OrderStep step, const std::string& order_number, const std::string& actor,
                     const std::string& note, std::int64_t now,
                     std::optional<std::int64_t> new_card_id) {
    store_.apply({order_number, &rule_of(step), actor, note, now, new_card_id});
}

void OrderBook::expire(const std::string& n, const std::string& reason, std::int64_t now) {
    take(OrderStep::expire, n, "system", reason, now);
}

void OrderBook::reject(const std::string& n, const std::string& actor, const std::string& reason,
                       std::int64_t now) {
    take(OrderStep::reject, n, actor, reason, now);
}

void OrderBook::cancel(const std::string& n, const std::string& actor, std::int64_t now) {
    take(OrderStep::cancel, n, actor, "", now);
}

void OrderBook::cancel_by_holder(const std::string& n, std::int64_t now) {
    take(OrderStep::cancel_by_holder, n, "holder", "cancelled by the holder", now);
}

void OrderBook::start_production(const std::string& n, const std::string& actor,
                                 std::int64_t now) {
    take(OrderStep::start_production, n, actor, "", now);
}

void OrderBook::mark_shipped(const std::string& n, std::int64_t new_card_id,
                             const std::string& actor, std::int64_t now) {
    take(OrderStep::ship, n, actor, "", now, new_card_id);
}

void OrderBook::mark_active(const std::string& n, const std::string& actor, std::int64_t now) {
    take(OrderStep::activate, n, actor, "", now);
}

}  // namespace sigcard::orders
