#include "audit/audit_log.hpp"

#include <algorithm>
#include <limits>
#include "common/clock.hpp"
#include "encoding/encoding.hpp"

#include "crypto/ossl.hpp"

#include <chrono>

namespace sigcard::audit {

namespace {

// Length-prefixed fields: no separator inside a field can shift one field into the next.
void put(std::string& out, const std::string& field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

}  // namespace

std::string record_hash(const AuditRecord& r) {
    std::string canonical;
    put(canonical, std::to_string(r.seq));
    put(canonical, std::to_string(r.at));
    put(canonical, r.actor);
    put(canonical, r.action);
    put(canonical, r.subject);
    put(canonical, r.details);
    put(canonical, r.prev_hash);
    return encoding::hex(ossl::sha256(ossl::as_bytes(canonical)));
}

AuditRecord append(soci::session& s, storage::Dialect dialect, std::string actor,
                   std::string action, std::string subject, std::string details) {
    Appender appender(s, dialect);
    auto record = appender.append(std::move(actor), std::move(action), std::move(subject),
                                  std::move(details));
    appender.finish();
    return record;
}

namespace {

// The head row is locked for the rest of the transaction (SQLite: the transaction already holds
// the write lock), so concurrent appenders from several portals form one chain.
std::string read_head_query(storage::Dialect dialect) {
    return std::string("SELECT seq, hash FROM audit_head WHERE id = 1") +
           (dialect == storage::Dialect::postgresql ? " FOR UPDATE" : "");
}

}  // namespace

Appender::Appender(soci::session& s, storage::Dialect dialect)
    : insert_((s.prepare << "INSERT INTO audit_log (seq, at, actor, action, subject, details, "
                            "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :subject, "
                            ":details, :prev, :hash)",
               soci::use(record_.seq), soci::use(record_.at), soci::use(record_.actor),
               soci::use(record_.action), soci::use(record_.subject), soci::use(record_.details),
               soci::use(record_.prev_hash), soci::use(record_.hash))),
      read_head_((s.prepare << read_head_query(dialect), soci::into(head_seq_column_),
                  soci::into(head_hash_))),
      write_head_((s.prepare << "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1",
                   soci::use(head_seq_column_), soci::use(head_hash_))) {
    restart();
}

void Appender::restart() {
    read_head_.execute(true);
    storage::finish(read_head_);
    head_seq_ = head_seq_column_;
}

AuditRecord Appender::append(std::string actor, std::string action, std::string subject,
                             std::string details) {
    record_.seq = head_seq_ + 1;
    record_.at = unix_now();
    record_.actor = std::move(actor);
    record_.action = std::move(action);
    record_.subject = std::move(subject);
    record_.details = std::move(details);
    record_.prev_hash = head_hash_;
    record_.hash = record_hash(record_);
    insert_.execute(true);
    head_seq_ = record_.seq;
    head_hash_ = record_.hash;
    return record_;
}

void Appender::rewind(Position position) {
    head_seq_ = position.seq;
    head_hash_ = std::move(position.hash);
}

void Appender::finish() {
    head_seq_column_ = head_seq_;
    write_head_.execute(true);
}

namespace {

// A record as "SELECT seq, at, actor, action, subject, details, prev_hash, hash" reads it.
AuditRecord record_from(const soci::row& row) {
    AuditRecord r;
    r.seq = storage::row_int64(row, 0);
    r.at = storage::row_int64(row, 1);
    r.actor = row.get<std::string>(2);
    r.action = row.get<std::string>(3);
    r.subject = row.get<std::string>(4);
    r.details = row.get<std::string>(5);
    r.prev_hash = row.get<std::string>(6);
    r.hash = row.get<std::string>(7);
    return r;
}

}  // namespace

AuditVerification verify(storage::Database& db) {
    return db.with_session([](soci::session& s) {
        AuditVerification result;
        std::string expected_prev(64, '0');
        std::int64_t expected_seq = 1;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT seq, at, actor, action, subject, details, prev_hash, hash "
                          "FROM audit_log ORDER BY seq");
        for (const auto& row : rows) {
            const auto r = record_from(row);
            auto broken = [&](std::string reason) {
                result.intact = false;
                result.first_broken_seq = r.seq;
                result.reason = std::move(reason);
            };
            if (r.seq != expected_seq) {
                broken("record " + std::to_string(expected_seq) + " is missing");
                result.first_broken_seq = expected_seq;
                return result;
            }
            if (r.prev_hash != expected_prev) {
                broken("does not follow the record before it");
                return result;
            }
            if (record_hash(r) != r.hash) {
                broken("content does not match its hash");
                return result;
            }
            expected_prev = r.hash;
            ++expected_seq;
            ++result.records;
        }
        std::int64_t head_seq = 0;
        std::string head_hash;
        s << "SELECT seq, hash FROM audit_head WHERE id = 1", soci::into(head_seq),
            soci::into(head_hash);
        if (head_seq != result.records || (head_seq > 0 && head_hash != expected_prev)) {
            result.intact = false;
            result.first_broken_seq = result.records + 1;
            result.reason = "records at the end were removed";
        }
        return result;
    });
}

std::vector<AuditRecord> list(storage::Database& db, const AuditQuery& query) {
    return db.with_session([&](soci::session& s) {
        std::string sql = "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM "
                          "audit_log WHERE seq < :before";
        const long long before = query.before_seq.value_or(std::numeric_limits<long long>::max());
        const auto prefix = query.action_prefix + "%";
        sql += query.actor.empty() ? " AND :actor = ''" : " AND actor = :actor";
        sql += " AND action LIKE :prefix";
        sql += query.subject.empty() ? " AND :subject = ''" : " AND subject = :subject";
        sql += " ORDER BY seq DESC LIMIT :limit";
        const long long limit = std::clamp(query.limit, 1, 1000);
        std::vector<AuditRecord> out;
        soci::rowset<soci::row> rows =
            (s.prepare << sql, soci::use(before), soci::use(query.actor), soci::use(prefix),
             soci::use(query.subject), soci::use(limit));
        for (const auto& row : rows) {
            out.push_back(record_from(row));
        }
        return out;
    });
}

}  // namespace sigcard::audit
