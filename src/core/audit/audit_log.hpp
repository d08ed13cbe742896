// The append-only audit log: every record is hash-chained to the one before, so a changed,
// inserted or removed record is found by `verify`.
#pragma once

#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::audit {

struct AuditRecord {
    std::int64_t seq = 0;
    std::int64_t at = 0;  // unix seconds
    std::string actor;    // "holder:<cert serial>", "operator:<name>", "system"
    std::string action;   // "order.submitted", "certificate.revoked", …
    std::string subject;  // what it is about: an order number, a serial
    std::string details;  // JSON, no secrets
    std::string prev_hash;
    std::string hash;
};

struct AuditVerification {
    bool intact = true;
    std::int64_t records = 0;
    std::optional<std::int64_t> first_broken_seq;  // set when not intact
    std::string reason;
};

// Appends within the caller's transaction, so the record commits or rolls back with the change
// it describes.
AuditRecord append(soci::session& session, storage::Dialect dialect, std::string actor,
                   std::string action, std::string subject, std::string details);

// Many appends in one transaction, for a writer that records a batch: reads (on PostgreSQL:
// locks) the head once when constructed, inserts each record with one prepared statement, and
// writes the head once in finish(), which must run before the transaction commits. A record whose
// insert fails leaves the chain as it was. A writer that keeps its session may keep the appender
// too, with its prepared statements, and call restart() at the start of each later transaction.
class Appender {
public:
    Appender(soci::session& session, storage::Dialect dialect);
    // A new transaction on the same session: reads (locks) the head again.
    void restart();
    AuditRecord append(std::string actor, std::string action, std::string subject,
                       std::string details);
    void finish();

    // Where the chain ends, to go back there when the caller undoes appended records (a rolled
    // back savepoint).
    struct Position {
        std::int64_t seq = 0;
        std::string hash;
    };
    Position position() const { return {head_seq_, head_hash_}; }
    void rewind(Position position);

private:
    AuditRecord record_;  // the one being inserted; the chain's last after a successful insert
    std::int64_t head_seq_ = 0;
    std::string head_hash_;
    long long head_seq_column_ = 0;  // head_seq_ as the head row's statements bind it
    soci::statement insert_;
    soci::statement read_head_;
    soci::statement write_head_;
};

AuditVerification verify(storage::Database& db);

// What the auditor's page asks of the log: newest first, optionally from one actor, of actions
// starting with a prefix ("order.", "operator."), about one subject, below a sequence number
// (the next page).
struct AuditQuery {
    std::string actor;
    std::string action_prefix;
    std::string subject;
    std::optional<std::int64_t> before_seq;
    int limit = 100;
};
std::vector<AuditRecord> list(storage::Database& db, const AuditQuery& query);

// The hash of a record: SHA-256 over its fields and the previous hash (hex).
std::string record_hash(const AuditRecord& record);

}  // namespace sigcard::audit
