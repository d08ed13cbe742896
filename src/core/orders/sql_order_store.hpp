// The order store on the trust center's database (SQLite or PostgreSQL, same SQL).
#pragma once

#include "orders/order_store.hpp"
#include "storage/database.hpp"

#include <memory>

namespace sigcard::orders {

class SqlDraftStore final : public DraftStore {
public:
    explicit SqlDraftStore(storage::Database& db) : db_(db) {}
    void add(const NewDraft& draft) override;
    std::int64_t unsigned_since(const std::string& certificate_serial,
                                std::int64_t since) const override;
    std::int64_t purge_unsigned(std::int64_t before) override;

private:
    storage::Database& db_;
};

class SqlOrderStore final : public OrderStore {
public:
    explicit SqlOrderStore(storage::Database& db) : db_(db) {}
    std::optional<OrderRecord> find(const std::string& order_number) const override;
    std::vector<OrderRecord> list(std::optional<OrderState> state) const override;
    std::vector<std::pair<OrderState, std::int64_t>> count_by_state() const override;
    std::optional<std::string> open_order_of_card(std::int64_t card_id) const override;
    void apply(const Transition& transition) override;
    void attach_new_card(const std::string& order_number, std::int64_t card_id) override;

private:
    storage::Database& db_;
};

// A step inside a transaction the caller holds (an import that moves several orders at once):
// the same checks, event and audit record as OrderStore::apply.
void apply_transition(soci::session& s, storage::Dialect dialect, const Transition& transition);

// OrderBatch on a session the writer keeps: statements prepared once.
std::unique_ptr<OrderBatch> prepare_order_batch(soci::session& session);

}  // namespace sigcard::orders
