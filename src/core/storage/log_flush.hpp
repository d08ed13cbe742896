// Durability apart from the commit. A SQLite connection set to synchronous=NORMAL commits into
// its write-ahead log without waiting for the disk (SQLite stays consistent; only the last
// commits may be lost on power failure). LogFlush then makes every transaction committed before
// it began durable with one fdatasync of that log: a writer can start its next transaction while
// the last one is flushed, and answers only after the flush.
#pragma once

#include <soci/soci.h>

#include <string>

namespace sigcard::storage {

class LogFlush {
public:
    // The log of the main database of `session` (SQLite); PostgreSQL commits wait for their own
    // flush, so for a PostgreSQL session flush() has nothing to do.
    explicit LogFlush(soci::session& session);
    ~LogFlush();
    LogFlush(const LogFlush&) = delete;
    LogFlush& operator=(const LogFlush&) = delete;

    // Throws std::system_error when the log could not be flushed: nothing committed since the
    // last successful flush may then be reported durable.
    void flush();

private:
    void open_log();

    std::string path_;  // empty: nothing to flush
    int fd_ = -1;
    unsigned long inode_ = 0;
};

}  // namespace sigcard::storage
