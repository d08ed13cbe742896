#include "storage/log_checkpoint.hpp"

#include <pthread.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace sigcard::storage {

using namespace sqlite_api;

namespace {

sqlite3* connection_of(soci::session& session) {
    if (session.get_backend_name() != "sqlite3") {
        throw std::logic_error("LogCheckpointer: not a SQLite connection");
    }
    return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

// A passive checkpoint copies back what it can without waiting for anybody; "busy" only means
// another checkpoint was running, which copies the same pages.
bool checkpoint(sqlite3* connection, const char* database) {
    const int rc = sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        // Not an order's failure: the log keeps everything committed, and grows until a later
        // checkpoint succeeds.
        spdlog::warn("database checkpoint failed: {}", sqlite3_errstr(rc));
    }
    return rc == SQLITE_OK;
}

}  // namespace

// SQLite's hook after each commit of the writer's connection, on the writer's thread.
int log_committed(void* self, sqlite3* connection, const char* database, int pages) {
    static_cast<LogCheckpointer*>(self)->committed(connection, database, pages);
    return SQLITE_OK;  // anything else would report the commit, which stands, as failed
}

LogCheckpointer::LogCheckpointer(Database& db, soci::session& writer, int every, int writer_limit)
    : writer_(connection_of(writer)),
      session_(db.connect()),
      every_(every),
      writer_limit_(writer_limit),
      thread_([this] { run(); }) {
    // Replaces SQLite's own checkpoint after a commit (wal_autocheckpoint) on this connection.
    sqlite3_wal_hook(writer_, &log_committed, this);
}

LogCheckpointer::~LogCheckpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    due_.notify_one();
    thread_.join();
}

LogCheckpointer::Counts LogCheckpointer::counts() const {
    return {by_thread_.load(), by_writer_.load(), longest_log_.load()};
}

// After each commit of the writer, with the log's length in pages.
void LogCheckpointer::committed(sqlite3* connection, const char* database, int pages) {
    if (pages > longest_log_.load(std::memory_order_relaxed)) {
        longest_log_.store(pages, std::memory_order_relaxed);
    }
    if (pages < signalled_at_) {
        signalled_at_ = 0;  // the log started over
    }
    if (pages - signalled_at_ >= every_) {
        signalled_at_ = pages;
        {
            std::lock_guard lock(mutex_);
            pending_ = true;
        }
        due_.notify_one();
    }
    if (pages >= writer_limit_ && checkpoint(connection, database)) {
        by_writer_.fetch_add(1, std::memory_order_relaxed);
    }
}

void LogCheckpointer::run() {
    ::pthread_setname_np(::pthread_self(), "sigcard-ckpt");
    sqlite3* own = connection_of(*session_);
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            due_.wait(lock, [this] { return stopping_ || pending_; });
            if (stopping_) {
                return;
            }
            pending_ = false;
        }
        if (checkpoint(own, "main")) {
            by_thread_.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

}  // namespace sigcard::storage
