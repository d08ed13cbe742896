// Checkpoints of a busy writer's log, on a thread of their own. SQLite copies its write-ahead log
// back into the database file (a checkpoint) on the connection that commits, by default after
// every 1 000 pages of log — on the one thread every order passes through, with fsyncs it waits
// for (the measurements are in docs/performance.md). A LogCheckpointer takes
// that over for one connection: whenever the log has grown by `every` pages since it last did,
// a thread with a connection of its own copies back what has been committed (a passive
// checkpoint, which never blocks the writer or a reader). While commits keep coming the log is
// never wholly copied back at the moment the writer starts a transaction, which is when SQLite
// would start the log over; so once it reaches `writer_limit` pages, right after the thread's
// next checkpoint, the writer copies back the little that is left itself after a commit, and the
// log starts over (at twice the limit it does so whatever the thread did). Every 2 000 pages rather
// than SQLite's 1 000: a page changed again and again (an index's) is copied back once per
// checkpoint.
#pragma once

#include "storage/database.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace sqlite_api {  // where SOCI puts SQLite's C interface
struct sqlite3;
}

namespace sigcard::storage {

class LogCheckpointer {
public:
    // `writer`: an open SQLite connection of `db`; it must outlive the checkpointer.
    LogCheckpointer(Database& db, soci::session& writer, int every = 2000, int writer_limit = 8000);
    ~LogCheckpointer();
    LogCheckpointer(const LogCheckpointer&) = delete;
    LogCheckpointer& operator=(const LogCheckpointer&) = delete;

    struct Counts {
        std::uint64_t by_thread = 0;  // checkpoints made by the checkpointer's thread
        std::uint64_t by_writer = 0;  // checkpoints the writer made after a commit
        int longest_log = 0;          // the most pages the log had after a commit
    };
    Counts counts() const;

private:
    friend int log_committed(void*, sqlite_api::sqlite3*, const char*, int);
    void committed(sqlite_api::sqlite3* connection, const char* database, int pages);
    void run();
    void sync_database();

    sqlite_api::sqlite3* writer_;
    std::unique_ptr<soci::session> session_;  // the thread's own connection
    int database_fd_ = -1;                    // the database file, to sync after checkpoints
    int every_;
    int writer_limit_;
    int signalled_at_ = 0;  // the log's length at the last signal (writer thread only)
    std::atomic<std::uint64_t> by_thread_{0};
    std::atomic<std::uint64_t> by_writer_{0};
    std::atomic<int> longest_log_{0};
    std::atomic<bool> caught_up_{false};  // the thread copied back a log at the writer's limit
    std::mutex copying_;                  // held while the thread or the writer checkpoints
    std::mutex mutex_;
    std::condition_variable due_;
    bool pending_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sigcard::storage
