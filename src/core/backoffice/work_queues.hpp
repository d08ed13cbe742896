// The back office's work, one queue per kind: orders to identify (the PostIdent review among
// them), to approve, to produce, to ship, cards awaiting the holder's receipt, and deadlines about
// to pass. Each queue is read from the orders' states (order_life.hpp), oldest first, so it is
// always correct on every instance; an operator claims an order to work on it and hands it back,
// and a claim ends when the order moves on. Search finds an order by number, name, PostIdent
// reference, certificate serial or the order form's Data Matrix as a hand scanner types it.
#pragma once

#include "common/error.hpp"
#include "operators/operator_register.hpp"
#include "orders/order_life.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::backoffice {

namespace errors {
inline constexpr ErrorCode claimed_by_other{
    "queue.claimed", "Diesen Auftrag bearbeitet gerade ein anderer Mitarbeiter.",
    "Another operator is working on this order."};
inline constexpr ErrorCode not_claimed_by_you{
    "queue.not_yours", "Sie bearbeiten diesen Auftrag nicht; Sie können ihn nicht zurückgeben.",
    "You are not working on this order, so you cannot hand it back."};
inline constexpr ErrorCode not_in_your_queues{
    "queue.not_in_your_queues",
    "Dieser Auftrag liegt in keiner Ihrer Arbeitslisten.",
    "This order is in none of your work queues."};
}  // namespace errors

enum class Queue { identify, approve, produce, ship, receipt, deadlines };
std::string_view to_string(Queue queue);
std::optional<Queue> queue_from(std::string_view text);
std::span<const Queue> all_queues();
// Who works the queue; deadlines are everyone's.
std::optional<operators::Role> role_of(Queue queue);
bool may_see(const operators::Operator& who, Queue queue);
// Orders and their holders' data are for the trust center's own staff: chamber staff see only the
// certificates carrying their chamber's admission, never the orders.
bool may_see_orders(const operators::Operator& who);
// The queue an order in `state` is in (none when finished).
std::optional<Queue> queue_of(orders::OrderState state);

struct QueueItem {
    std::string order_number;
    orders::OrderKind kind = orders::OrderKind::follow_up;
    orders::OrderState state = orders::OrderState::submitted;
    std::string holder;          // the name on the certificate or in the application
    std::int64_t since = 0;      // when the order entered its state
    int approvals = 0;           // valid approvals of the order's current revision
    std::string claimed_by;      // operator name, empty when nobody works on it
    std::optional<std::int64_t> deadline;
    std::string deadline_kind;   // identification | activation | certificate_expiry
    std::string certificate_serial;  // the certificate a follow-up replaces, or that expires
};

struct QueueCount {
    Queue queue = Queue::identify;
    std::int64_t items = 0;
    std::optional<std::int64_t> oldest_since;
};

struct SearchResult {
    std::vector<QueueItem> items;
    // A scanned order form: whether the document hash on the paper is the stored order's.
    std::optional<bool> scanned_form_matches;
};

struct QueueSettings {
    int deadline_days = 7;          // identification deadlines this close are shown
    int expiry_days = 90;           // certificates expiring this soon without a follow-up order
};

class WorkQueues {
public:
    explicit WorkQueues(storage::Database& db, QueueSettings settings = {})
        : db_(db), settings_(settings) {}

    std::vector<QueueCount> counts(std::int64_t now) const;
    // Oldest first (deadlines: nearest first).
    std::vector<QueueItem> items(Queue queue, std::int64_t now, int offset, int limit) const;

    // Throws order.unknown, queue.not_in_your_queues, queue.claimed (another operator has it).
    // Claiming an order one already has changes nothing.
    void claim(const std::string& order_number, const operators::Operator& who, std::int64_t now);
    // Throws order.unknown, queue.not_yours.
    void hand_back(const std::string& order_number, const operators::Operator& who,
                   std::int64_t now);

    // By order number, PostIdent reference, certificate serial (hex), a scanned order form
    // ("<number> <sha256>") or a part of the holder's name; at most `limit` orders, newest first.
    SearchResult search(std::string_view text, int limit) const;

private:
    storage::Database& db_;
    QueueSettings settings_;
};

}  // namespace sigcard::backoffice
