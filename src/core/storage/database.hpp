// The trust center's database: SQLite for a single portal (the default and the demo),
// PostgreSQL when several portal instances share one. Schema changes are versioned migrations
// (storage/migrations/NNNN_name.sql), applied in order and recorded in schema_migrations.
#pragma once

#include "common/error.hpp"
#include "storage/migrations.hpp"

#include <soci/soci.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

namespace sigcard::storage {

enum class Dialect { sqlite, postgresql };

namespace errors {
// The database or the disk under it could not take a write: disk full, a file over its size
// limit, an I/O error, PostgreSQL out of space or unreachable. Nothing of the transaction was
// stored (or, when the log could not be flushed, it is not known to be durable): the answer says
// the order is not confirmed, and sending the same order again never places it twice.
inline constexpr ErrorCode storage_unavailable{
    "storage.unavailable",
    "Ihr Auftrag ist nicht bestätigt: der Speicher des Trust Centers nimmt gerade nichts an. "
    "Bitte senden Sie ihn in einigen Minuten erneut — ein erneutes Senden erteilt ihn nie "
    "doppelt.",
    "Your order is not confirmed: the trust center's storage is not taking anything just now. "
    "Please send it again in a few minutes — sending it again never places it twice."};
}  // namespace errors

// Inside a catch block: when the exception being handled is the storage's failure to write (see
// errors::storage_unavailable), throws Error(storage.unavailable) with the cause as its detail;
// otherwise rethrows the exception as it is.
[[noreturn]] void rethrow_as_storage_failure();

class Database {
public:
    // url: "sqlite:PATH" or "postgresql:CONNINFO" (e.g. "postgresql:dbname=sigcard host=/run/...").
    explicit Database(const std::string& url, std::size_t pool_size = 4);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Dialect dialect() const noexcept { return dialect_; }

    // Applies every migration not yet applied; returns how many ran.
    // `up_to`: stop after this version (tests of a migration start from the schema before it).
    int migrate(int up_to = std::numeric_limits<int>::max());
    // The same with other migrations than the embedded ones (sorted by version), for tests.
    int migrate(const std::vector<Migration>& list, int up_to = std::numeric_limits<int>::max());
    int schema_version();

    // A connection of its own, outside the pool, set up as the pooled ones: for a writer thread
    // that keeps prepared statements for its lifetime (a pooled lease may be another connection
    // each time, and statements prepared on one would run outside the other's transaction).
    std::unique_ptr<soci::session> connect();

    // Runs `work` with a pooled session.
    template <typename F>
    auto with_session(F&& work) {
        soci::session session(*pool_);
        return work(session);
    }

    // Runs `work` inside one transaction: committed when it returns, rolled back when it throws.
    // On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE), so two writers
    // queue instead of failing when one upgrades from reading to writing.
    template <typename F>
    auto in_transaction(F&& work) {
        soci::session session(*pool_);
        return in_transaction(session, std::forward<F>(work));
    }

    // The same on a session the caller holds (e.g. a writer thread that keeps its own connection
    // and its prepared statements for its lifetime, see connect()).
    template <typename F>
    auto in_transaction(soci::session& session, F&& work) {
        begin(session);
        try {
            if constexpr (std::is_void_v<decltype(work(session))>) {
                work(session);
                commit(session);
            } else {
                auto result = work(session);
                commit(session);
                return result;
            }
        } catch (...) {
            rollback(session);
            rethrow_as_storage_failure();
        }
    }

private:
    void open(soci::session& session);
    void begin(soci::session& session);
    void commit(soci::session& session);
    void rollback(soci::session& session) noexcept;

    Dialect dialect_;
    std::string target_;  // the url without its dialect prefix
    std::size_t pool_size_;
    std::unique_ptr<soci::connection_pool> pool_;
};

// Steps a prepared statement that has given its row to its end. SQLite counts a statement that
// stopped at a row as still running, and refuses to release a savepoint or commit meanwhile.
inline void finish(soci::statement& statement) {
    while (statement.fetch()) {
    }
}

// An integer column as 64 bits, whatever width the back end reports (SQLite calls an
// INTEGER PRIMARY KEY "integer", PostgreSQL a BIGSERIAL "long long").
std::int64_t row_int64(const soci::row& row, std::size_t column);

}  // namespace sigcard::storage
