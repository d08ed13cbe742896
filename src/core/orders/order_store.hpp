// Where orders, their drafts and their events are kept, one interface per aggregate. The SQL of
// both dialects (SQLite, PostgreSQL) is in sql_order_store.cpp; nothing else in orders/ writes SQL.
#pragma once

#include "orders/order_life.hpp"
#include "orders/order_record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sigcard::orders {

// A draft: the document the portal rendered for a holder to sign, kept until it is signed.
struct NewDraft {
    std::string nonce;
    std::string certificate_serial;  // of the card that is to sign it
    std::string order_data_json;
    std::string terms_version;
    std::string document;
    std::string document_sha256;
    std::int64_t issued_at = 0;
    std::string revocation_password_hash;  // Argon2id; empty: none chosen
};

struct StoredDraft {
    std::string certificate_serial;
    std::string order_data_json;
    std::string terms_version;
    std::string document_sha256;  // of the rendered bytes
    std::int64_t issued_at = 0;
    std::optional<std::int64_t> order_id;  // set once an order used the draft
};

class DraftStore {
public:
    virtual ~DraftStore() = default;
    virtual void add(const NewDraft& draft) = 0;
    // Drafts of this certificate issued at or after `since` that no order used.
    virtual std::int64_t unsigned_since(const std::string& certificate_serial,
                                        std::int64_t since) const = 0;
    // Deletes the drafts issued before `before` that no order used; returns how many.
    virtual std::int64_t purge_unsigned(std::int64_t before) = 0;
};

// A step taken on an order: checked against its current state and recorded with an event and
// an audit record, all in one transaction.
struct Transition {
    std::string order_number;
    const StepRule* rule = nullptr;
    std::string actor;
    std::string note;
    std::int64_t at = 0;
    std::optional<std::int64_t> new_card_id;  // shipping names the new card
};

class OrderStore {
public:
    virtual ~OrderStore() = default;
    virtual std::optional<OrderRecord> find(const std::string& order_number) const = 0;
    // Oldest first; all states when `state` is empty.
    virtual std::vector<OrderRecord> list(std::optional<OrderState> state) const = 0;
    // How many orders are in each state (states without orders are left out).
    virtual std::vector<std::pair<OrderState, std::int64_t>> count_by_state() const = 0;
    // The number of the open order of a card, if it has one.
    virtual std::optional<std::string> open_order_of_card(std::int64_t card_id) const = 0;
    // Throws order.not_found, or order.invalid_transition when the order is not in a state the
    // rule starts from — also when another operator moved it meanwhile.
    virtual void apply(const Transition& transition) = 0;
    // The card produced for an order in production (once: order.invalid_transition when the
    // order is not in production or has its card already).
    virtual void attach_new_card(const std::string& order_number, std::int64_t card_id) = 0;
};

// A new order as an intake stores it.
struct NewOrder {
    std::string number;
    OrderKind kind = OrderKind::follow_up;
    std::int64_t card_id = 0;
    std::string order_data_json;
    std::string terms_version;
    std::string document_sha256;
    std::string signature_b64;
    std::string signature_sha256;
    std::string certificate_serial;
    std::int64_t evidence_id = 0;
    std::string nonce;
    std::int64_t created_at = 0;
};

// The store as a writer sees it inside a transaction it holds (a group commit's batch): every
// statement prepared once for the session and kept from batch to batch.
class OrderBatch {
public:
    virtual ~OrderBatch() = default;
    virtual std::optional<StoredDraft> draft(const std::string& nonce) = 0;
    // The draft's document hashed with another digest than the SHA-256 kept with it; empty when
    // the draft or the digest is unknown.
    virtual std::vector<std::uint8_t> draft_document_digest(const std::string& nonce,
                                                            int digest_nid) = 0;
    // The number of the open order of a card, if it has one.
    virtual std::optional<std::string> open_order_of_card(std::int64_t card_id) = 0;
    struct UsedDraft {
        std::string order_number;
        OrderState state = OrderState::submitted;
        std::string signature_sha256;
        std::int64_t created_at = 0;
    };
    virtual std::optional<UsedDraft> order_by_id(std::int64_t order_id) = 0;
    virtual bool number_taken(const std::string& number) = 0;
    // The draft's nonce is unique among orders: a second order for one draft fails here.
    virtual std::int64_t insert(const NewOrder& order) = 0;
    virtual void add_event(std::int64_t order_id, std::optional<OrderState> from, OrderState to,
                           const std::string& actor, const std::string& note, std::int64_t at) = 0;
};

}  // namespace sigcard::orders
