#include "operators/operator_sessions.hpp"

#include "audit/audit_log.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

namespace sigcard::operators {

namespace {

std::string hashed(const std::string& id) {
    return encoding::hex(ossl::sha256(ossl::as_bytes(id)));
}

}  // namespace

OperatorSession OperatorSessions::open(const Operator& who, const std::string& certificate_sha256,
                                       std::int64_t now) {
    OperatorSession session;
    session.id = encoding::hex(ossl::random_bytes(32));
    session.csrf_token = encoding::hex(ossl::random_bytes(16));
    session.certificate_sha256 = certificate_sha256;
    session.who = who;
    session.created_at = now;
    const std::string key = hashed(session.id);
    const long long at = now;
    db_.with_session([&](soci::session& s) {
        s << "INSERT INTO operator_sessions (id_sha256, operator_name, certificate_sha256, "
             "csrf_token, created_at, last_seen_at) VALUES (:id, :name, :cert, :csrf, :at, :seen)",
            soci::use(key), soci::use(who.name), soci::use(certificate_sha256),
            soci::use(session.csrf_token), soci::use(at), soci::use(at);
    });
    return session;
}

std::optional<OperatorSession> OperatorSessions::find(const std::string& id, std::int64_t now) {
    if (id.size() != 64) {
        return std::nullopt;
    }
    const std::string key = hashed(id);
    OperatorSession session;
    std::string name;
    long long created = 0;
    long long seen = 0;
    const bool found = db_.with_session([&](soci::session& s) {
        s << "SELECT operator_name, certificate_sha256, csrf_token, created_at, last_seen_at FROM "
             "operator_sessions WHERE id_sha256 = :id AND ended_at IS NULL",
            soci::use(key), soci::into(name), soci::into(session.certificate_sha256),
            soci::into(session.csrf_token), soci::into(created), soci::into(seen);
        return s.got_data();
    });
    if (!found) {
        return std::nullopt;
    }
    if (now - seen > idle_ || now - created > max_) {
        end(id, now - seen > idle_ ? "idle" : "too long", now);
        return std::nullopt;
    }
    const auto who = login_.current(name, now);
    if (!who) {
        end(id, "operator or card no longer valid", now);
        return std::nullopt;
    }
    session.who = *who;
    session.created_at = created;
    if (now - seen >= 30) {  // written at most twice a minute
        const long long at = now;
        db_.with_session([&](soci::session& s) {
            s << "UPDATE operator_sessions SET last_seen_at = :at WHERE id_sha256 = :id",
                soci::use(at), soci::use(key);
        });
    }
    return session;
}

void OperatorSessions::end(const std::string& id, const std::string& reason, std::int64_t now) {
    const std::string key = hashed(id);
    const long long at = now;
    db_.in_transaction([&](soci::session& s) {
        std::string name;
        s << "SELECT operator_name FROM operator_sessions WHERE id_sha256 = :id AND ended_at IS "
             "NULL",
            soci::use(key), soci::into(name);
        if (!s.got_data()) {
            return;
        }
        s << "UPDATE operator_sessions SET ended_at = :at, end_reason = :reason WHERE id_sha256 "
             "= :id",
            soci::use(at), soci::use(reason), soci::use(key);
        audit::append(s, db_.dialect(), "operator:" + name, "operator.signed_out", name,
                      nlohmann::json{{"reason", reason}}.dump());
    });
}

}  // namespace sigcard::operators
