#include "storage/group_commit.hpp"

#include "storage/log_flush.hpp"

#include <pthread.h>

namespace sigcard::storage {

namespace {

// The writer's own connection commits without waiting for the disk (SQLite: synchronous=NORMAL;
// a PostgreSQL commit waits for its flush as before); the flusher thread flushes the log.
// Its statement journal (the pages a savepoint may have to put back) stays in memory: in a file
// it cost two writes per page changed under a savepoint, more than the log itself. It reads the
// database file through a memory map (256 MiB of it) instead of a read call per page it has not
// cached; checkpoints are made on another thread (LogCheckpointer).
std::unique_ptr<soci::session> writer_connection(Database& db) {
    auto session = db.connect();
    if (db.dialect() == Dialect::sqlite) {
        *session << "PRAGMA synchronous=NORMAL";
        *session << "PRAGMA temp_store=MEMORY";
        *session << "PRAGMA mmap_size=268435456";
    }
    return session;
}

GroupCommit::Flush log_flush_of(soci::session& session) {
    auto log = std::make_shared<LogFlush>(session);
    return [log] { log->flush(); };
}

void settle(GroupCommit::Batch& batch, const std::exception_ptr& failure) {
    for (auto& work : batch) {
        work->settle(failure);
    }
}

}  // namespace

GroupCommit::GroupCommit(Database& db, Processor processor, std::size_t max_batch, Flush flush)
    : db_(db),
      session_(writer_connection(db)),
      checkpointer_(db.dialect() == Dialect::sqlite
                        ? std::make_unique<LogCheckpointer>(db, *session_)
                        : nullptr),
      processor_(std::move(processor)),
      max_batch_(max_batch),
      flush_(flush ? std::move(flush) : log_flush_of(*session_)),
      flusher_([this] { flush_loop(); }),
      writer_([this] { write_loop(); }) {}

GroupCommit::~GroupCommit() {
    stop();
}

void GroupCommit::stop() {
    if (!writer_.joinable()) {
        return;  // stopped before
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
    {
        std::lock_guard lock(mutex_);
        writer_done_ = true;
    }
    committed_.notify_all();
    flusher_.join();
}

void GroupCommit::enqueue(std::unique_ptr<Work> work) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(work));
    }
    wake_.notify_one();
}

GroupCommit::Counts GroupCommit::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

void GroupCommit::write_loop() {
    ::pthread_setname_np(::pthread_self(), "sigcard-writer");  // for top and profilers
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, nothing left
            }
            // Everything that arrived while the last batch was being written goes together.
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        write(std::move(batch));
    }
}

void GroupCommit::write(Batch batch) {
    std::exception_ptr failure;
    try {
        db_.in_transaction(*session_, [&](soci::session& tx) { processor_(tx, batch); });
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        // Nothing of this batch was stored: nobody may be told otherwise. (Told after the catch
        // block has ended, so the exception's last owner is always an exception_ptr.)
        settle(batch, failure);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        counts_.transactions += 1;
        counts_.works += batch.size();
        unflushed_.push_back(std::move(batch));
    }
    committed_.notify_one();
}

void GroupCommit::flush_loop() {
    ::pthread_setname_np(::pthread_self(), "sigcard-flush");
    for (;;) {
        std::vector<Batch> batches;
        {
            std::unique_lock lock(mutex_);
            committed_.wait(lock, [this] { return writer_done_ || !unflushed_.empty(); });
            if (unflushed_.empty()) {
                return;  // the writer is done and everything it committed is settled
            }
            batches.swap(unflushed_);
        }
        // One flush for every batch committed before it began.
        std::exception_ptr failure;
        try {
            try {
                flush_();
            } catch (...) {
                rethrow_as_storage_failure();
            }
        } catch (...) {
            // Committed but perhaps not on disk: no answer may say it is stored.
            failure = std::current_exception();
        }
        for (auto& batch : batches) {
            settle(batch, failure);
        }
    }
}

}  // namespace sigcard::storage
