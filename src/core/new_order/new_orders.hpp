// The new order's intake and its life until identification: an application checked field by
// field, its proofs checked and sealed, stored in one transaction as an order in
// `awaiting_identification` with a PostIdent reference and a deadline; looked up for its
// documents, cancelled by the applicant, expired at the deadline (the reminder before it is a
// mail: mail/order_mails.hpp).
#pragma once

#include "common/secret.hpp"
#include "config/trust_center_config.hpp"
#include "new_order/application.hpp"
#include "new_order/proofs.hpp"
#include "orders/order_book.hpp"
#include "orders/price.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::new_order {

struct ProofUpload {
    std::string attribute;  // profession | procuration | monetary_limit | restriction
    std::string content;
};

struct SubmittedApplication {
    Application application;
    std::vector<ProofUpload> uploads;  // checked here; only for attributes asked for
    Secret revocation_password;
    Secret revocation_password_repeat;
    // The same key sent twice (a double click, a resent request) gives the same order. Empty: a
    // fresh one.
    std::string submission_key;
};

// An application whose every field and proof passed the checks, ready to be stored.
struct CheckedApplication {
    Application application;  // normalised
    std::vector<AcceptedProof> proofs;
};

// Every check of a submitted application that needs no database: the fields, the proofs' files
// (taken out of `submitted`), the revocation password. Throws orders::InvalidOrderData with every
// problem, one per field.
CheckedApplication check_application(SubmittedApplication& submitted,
                                     const config::TrustCenterConfig& config, std::int64_t now);

struct PlacedNewOrder {
    std::string order_number;
    std::string postident_reference;
    std::int64_t created_at = 0;
    std::int64_t deadline = 0;  // identification by then, or the order expires
    std::string document_sha256;
    bool already_submitted = false;
};

// A stored new order with what its documents show.
struct StoredNewOrder {
    orders::OrderRecord order;
    Application application;
    std::string postident_reference;
    std::string terms_version;
    std::string terms_sha256;
    orders::Price price;
    std::int64_t deadline = 0;
    std::string document;  // canonical JSON, hashed into order.document_sha256
};

// The three documents of a new order, reachable only with the order's document secret.
enum class NewOrderDocument { order_form, postident_coupon, description };

struct NewOrderContext {
    const config::TrustCenterConfig& config;
    storage::Database& db;
    orders::OrderBook& book;
    const DataKey& data_key;
};

class NewOrders {
public:
    explicit NewOrders(NewOrderContext context) : context_(context) {}

    // Throws orders::InvalidOrderData (every field at fault, nothing stored) or
    // Error(order.terms_unknown).
    PlacedNewOrder submit(SubmittedApplication submitted, std::int64_t now);

    std::optional<StoredNewOrder> find(const std::string& order_number) const;

    // The secret in the links to an order's documents and status (HMAC under the data key:
    // not stored, the same on every portal instance).
    std::string document_secret(const std::string& order_number) const;
    bool document_secret_matches(const std::string& order_number, std::string_view secret) const;

    // The applicant withdraws the order before identification (order.invalid_transition after).
    void cancel_by_applicant(const std::string& order_number, std::int64_t now);

    // Orders past their deadline still awaiting identification become `expired`; returns them.
    std::vector<std::string> expire_overdue(std::int64_t now);
    // A proof as uploaded, opened with the data key (for the back office).
    std::optional<AcceptedProof> proof(const std::string& order_number,
                                       const std::string& attribute) const;

    orders::Price price() const;
    storage::Database& database() const { return context_.db; }

private:
    NewOrderContext context_;
};

// A PostIdent reference: "SC" and ten characters from an alphabet without 0/O and 1/I/L, from
// `random` — 14 at most as Deutsche Post allows, nothing personal in it.
std::string postident_reference(std::span<const std::uint8_t, 10> random);

}  // namespace sigcard::new_order
