// The append-only audit log: every record is hash-chained to the one before, so a changed,
// inserted or removed record is found by `verify`.
#pragma once

#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

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

AuditVerification verify(storage::Database& db);

// The hash of a record: SHA-256 over its fields and the previous hash (hex).
std::string record_hash(const AuditRecord& record);

}  // namespace sigcard::audit
