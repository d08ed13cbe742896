// Operators' sessions in the back office: short (idle `idle_seconds`, at most `max_seconds`),
// ended by logging out or when the card leaves the reader, and whenever the operator is removed
// or their card's certificate is no longer good. Kept in the database (only the SHA-256 of the
// cookie's value), so any back-office instance serves them.
#pragma once

#include "operators/operator_login.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sigcard::operators {

struct OperatorSession {
    std::string id;  // the cookie's value (only when just opened; else empty)
    std::string csrf_token;
    std::string certificate_sha256;  // the card whose presence the page watches
    Operator who;
    std::int64_t created_at = 0;
};

class OperatorSessions {
public:
    OperatorSessions(storage::Database& db, OperatorLogin& login, std::int64_t idle_seconds = 900,
                     std::int64_t max_seconds = 10 * 3600)
        : db_(db), login_(login), idle_(idle_seconds), max_(max_seconds) {}

    OperatorSession open(const Operator& who, const std::string& certificate_sha256,
                         std::int64_t now);
    // The live session of the cookie's value; nullopt (and the session ended) when it idled,
    // ran too long, or its operator may no longer act.
    std::optional<OperatorSession> find(const std::string& id, std::int64_t now);
    void end(const std::string& id, const std::string& reason, std::int64_t now);

private:
    storage::Database& db_;
    OperatorLogin& login_;
    std::int64_t idle_;
    std::int64_t max_;
};

}  // namespace sigcard::operators
