#include "storage/database.hpp"

#include "storage/migrations.hpp"
#include "storage/wal_gathering.hpp"

#include <openssl/evp.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <system_error>

namespace sigcard::storage {

namespace {

Dialect dialect_of(const std::string& url) {
    if (url.rfind("sqlite:", 0) == 0) {
        return Dialect::sqlite;
    }
    if (url.rfind("postgresql:", 0) == 0) {
        return Dialect::postgresql;
    }
    throw std::invalid_argument("database url must start with sqlite: or postgresql:");
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
        text.replace(pos, from.size(), to);
    }
    return text;
}

// Migrations are written once with a few placeholders for what the dialects spell differently.
std::string for_dialect(std::string sql, Dialect dialect) {
    const bool pg = dialect == Dialect::postgresql;
    sql = replace_all(std::move(sql), "{{id}}",
                      pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    return sql;
}

// Splits a migration into statements at semicolons outside quotes, dropping "--" comments.
std::vector<std::string> split_statements(const std::string& sql) {
    std::vector<std::string> out;
    std::string current;
    bool quoted = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (!quoted && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            i = sql.find('\n', i);
            if (i == std::string::npos) {
                break;
            }
            current += '\n';
            continue;
        }
        if (c == '\'') {
            quoted = !quoted;
        }
        if (c == ';' && !quoted) {
            if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
                out.push_back(current);
            }
            current.clear();
        } else {
            current += c;
        }
    }
    if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
        out.push_back(current);
    }
    return out;
}

}  // namespace

Database::Database(const std::string& url, std::size_t pool_size)
    : dialect_(dialect_of(url)), target_(url.substr(url.find(':') + 1)), pool_size_(pool_size) {
    if (dialect_ == Dialect::sqlite) {
        wal_gathering::install();  // a commit's log frames in one write
    }
    pool_ = std::make_unique<soci::connection_pool>(pool_size_);
    for (std::size_t i = 0; i < pool_size_; ++i) {
        open(pool_->at(i));
    }
}

void Database::open(soci::session& s) {
    if (dialect_ == Dialect::sqlite) {
        s.open(soci::sqlite3, "db=" + target_ + " timeout=30 shared_cache=false");
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA synchronous=FULL";
        s << "PRAGMA foreign_keys=ON";
    } else {
        s.open(soci::postgresql, target_);
    }
}

std::unique_ptr<soci::session> Database::connect() {
    auto session = std::make_unique<soci::session>();
    open(*session);
    return session;
}

Database::~Database() = default;

void Database::begin(soci::session& session) {
    if (dialect_ == Dialect::sqlite) {
        session << "BEGIN IMMEDIATE";
    } else {
        session.begin();
    }
}

void Database::commit(soci::session& session) {
    if (dialect_ == Dialect::sqlite) {
        session << "COMMIT";
    } else {
        session.commit();
    }
}

void rethrow_as_storage_failure() {
    try {
        throw;
    } catch (const soci::sqlite3_soci_error& e) {
        // SQLITE_IOERR (10) and SQLITE_FULL (13), with their extended codes: the disk or the
        // file size limit, not the statement.
        const int primary = e.result() & 0xff;
        if (primary == 10 || primary == 13) {
            throw Error(errors::storage_unavailable, e.what());
        }
        throw;
    } catch (const soci::postgresql_soci_error& e) {
        // Classes 08 (connection), 53 (insufficient resources: disk full) and 58 (system, I/O).
        const auto state = e.sqlstate();
        if (state.starts_with("08") || state.starts_with("53") || state.starts_with("58")) {
            throw Error(errors::storage_unavailable, e.what());
        }
        throw;
    } catch (const std::system_error& e) {  // the log's flush (LogFlush)
        throw Error(errors::storage_unavailable, e.what());
    }
}

void Database::rollback(soci::session& session) noexcept {
    try {
        if (dialect_ == Dialect::sqlite) {
            session << "ROLLBACK";
        } else {
            session.rollback();
        }
    } catch (...) {
        // The connection is unusable either way; the pool's next user reconnects on error.
    }
}

int Database::schema_version() {
    return with_session([](soci::session& s) {
        s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
        soci::indicator ind;
        int version = 0;
        s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
        return ind == soci::i_ok ? version : 0;
    });
}

int Database::migrate(int up_to) {
    return migrate(migrations(), up_to);
}

int Database::migrate(const std::vector<Migration>& list, int up_to) {
    int applied = 0;
    const int current = schema_version();
    const std::string dialect = dialect_ == Dialect::postgresql ? "postgresql" : "sqlite";
    for (const auto& m : list) {
        if (m.version <= current || m.version > up_to ||
            (!m.dialect.empty() && m.dialect != dialect)) {
            continue;
        }
        with_session([&](soci::session& s) {
            // SQLite: foreign keys off while a migration runs, as SQLite's own procedure for
            // rebuilding a table asks (a DROP TABLE would otherwise delete through them), and
            // checked as a whole before the commit instead.
            const bool sqlite = dialect_ == Dialect::sqlite;
            if (sqlite) {
                s << "PRAGMA foreign_keys=OFF";
            }
            try {
                in_transaction(s, [&](soci::session& tx) {
                    for (const auto& statement : split_statements(for_dialect(m.sql, dialect_))) {
                        tx << statement;
                    }
                    if (sqlite) {
                        soci::rowset<soci::row> broken = (tx.prepare << "PRAGMA foreign_key_check");
                        if (broken.begin() != broken.end()) {
                            throw std::runtime_error("migration " + m.name +
                                                     " leaves broken foreign keys");
                        }
                    }
                    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count();
                    tx << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, "
                          ":n, :t)",
                        soci::use(m.version), soci::use(m.name), soci::use(now);
                });
            } catch (...) {
                if (sqlite) {
                    s << "PRAGMA foreign_keys=ON";
                }
                throw;
            }
            if (sqlite) {
                s << "PRAGMA foreign_keys=ON";
            }
        });
        ++applied;
    }
    return applied;
}

std::int64_t row_int64(const soci::row& row, std::size_t column) {
    switch (row.get_properties(column).get_data_type()) {
        case soci::dt_integer:
            return row.get<int>(column);
        case soci::dt_long_long:
            return row.get<long long>(column);
        case soci::dt_unsigned_long_long:
            return static_cast<std::int64_t>(row.get<unsigned long long>(column));
        case soci::dt_double:
            return static_cast<std::int64_t>(row.get<double>(column));
        case soci::dt_string:
            return std::stoll(row.get<std::string>(column));
        default:
            throw std::invalid_argument("column is not an integer");
    }
}

}  // namespace sigcard::storage
