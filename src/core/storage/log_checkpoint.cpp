#include "storage/log_checkpoint.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sigcard::storage {

using namespace sqlite_api;

namespace {

// Pages of log the writer may be left to copy back before the log starts over.
constexpr int kLittle = 64;

sqlite3* connection_of(soci::session& session) {
    if (session.get_backend_name() != "sqlite3") {
        throw std::logic_error("LogCheckpointer: not a SQLite connection");
    }
    return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

// The database file, for syncing it: -1 (SQLite's own syncs only) for a database in memory.
int open_database_file(sqlite3* connection) {
    const char* file = sqlite3_db_filename(connection, "main");
    return file != nullptr && *file != 0 ? ::open(file, O_RDONLY | O_CLOEXEC) : -1;
}

// A passive checkpoint copies back what it can without waiting for anybody; "busy" only means
// another checkpoint was running, which copies the same pages. `log_pages`: the log's length.
bool checkpoint(sqlite3* connection, const char* database, int* log_pages = nullptr) {
    const int rc = sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE,
                                             log_pages, nullptr);
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
      database_fd_(open_database_file(writer_)),
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
    if (database_fd_ >= 0) {
        ::close(database_fd_);
    }
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
    // The writer copies back only what was committed since the thread's last checkpoint, right
    // after it (the copy ends with two fsyncs the writer waits for, shorter the less there is);
    // at twice the limit it copies back whatever is left, waiting for the thread's checkpoint to
    // end if need be (SQLite would answer "busy"), so that the log stays bounded.
    if (pages >= 2 * writer_limit_) {
        std::lock_guard copying(copying_);
        if (checkpoint(connection, database)) {
            by_writer_.fetch_add(1, std::memory_order_relaxed);
        }
    } else if (pages >= writer_limit_ && caught_up_.load()) {
        std::unique_lock copying(copying_, std::try_to_lock);
        if (copying.owns_lock() && checkpoint(connection, database)) {
            caught_up_.store(false);
            by_writer_.fetch_add(1, std::memory_order_relaxed);
        }  // else after the next commit
    }
}

void LogCheckpointer::sync_database() {
    if (database_fd_ >= 0 && ::fdatasync(database_fd_) != 0) {
        spdlog::warn("database file sync after checkpoint failed: {}", std::strerror(errno));
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
        std::lock_guard copying(copying_);
        int log_pages = 0;
        if (!checkpoint(own, "main", &log_pages)) {
            continue;
        }
        by_thread_.fetch_add(1, std::memory_order_relaxed);
        // SQLite syncs the database file only after a checkpoint that reached the log's end,
        // which under steady commits is mostly the writer's: it then waited for all the pages
        // copied since. Synced here, they are on disk before the writer's turn.
        sync_database();
        if (log_pages < writer_limit_) {
            continue;
        }
        // Time for the log to start over, for which the writer copies back the rest: first copy
        // again what was committed meanwhile, until that is little (the writer waits for its
        // copy's fsync of the database file).
        for (int pass = 0; pass < 4; ++pass) {
            int before = log_pages;
            if (!checkpoint(own, "main", &log_pages)) {
                break;
            }
            by_thread_.fetch_add(1, std::memory_order_relaxed);
            sync_database();
            if (log_pages - before < kLittle) {
                break;
            }
        }
        caught_up_.store(true);  // the writer's turn
    }
}

}  // namespace sigcard::storage
