// Group commit: concurrent writers share one transaction — and so one fsync — instead of paying
// for one each. Callers queue their work and return at once; one writer thread takes everything
// that queued while the last batch was being written, hands the batch to a processor inside one
// transaction and commits; a flusher thread then makes the committed batches durable (one flush
// for all that committed meanwhile, see log_flush.hpp) and only then settles each work. An
// acknowledged order is therefore never lost, a busy portal is bound neither by the disk's flush
// rate nor by its latency (the writer runs the next batch while the last one is flushed), and no
// caller's thread waits. On SQLite the log is copied back into the database on a thread of its
// own (log_checkpoint.hpp), not by the writer.
#pragma once

#include "storage/database.hpp"
#include "storage/log_checkpoint.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sigcard::storage {

class GroupCommit {
public:
    // One caller's part of a shared transaction.
    class Work {
    public:
        virtual ~Work() = default;
        // Called once after the batch: `failure` is null when the batch's transaction committed
        // and was flushed (on the flusher thread), else why it may not be reported stored.
        virtual void settle(std::exception_ptr failure) noexcept = 0;
    };
    using Batch = std::vector<std::unique_ptr<Work>>;
    // Runs inside the batch's transaction on the writer's own connection, the same session for
    // every batch (so a processor may keep statements prepared on it). A work that must not be
    // stored undoes its own changes (savepoints) and remembers why; an exception escaping the
    // processor rolls the whole batch back and is every work's failure.
    using Processor = std::function<void(soci::session&, Batch&)>;

    // Makes every batch committed before it was called durable; throws when it could not.
    using Flush = std::function<void()>;

    // `flush`: by default the database's own (LogFlush); tests wrap it to watch the order.
    GroupCommit(Database& db, Processor processor, std::size_t max_batch = 128, Flush flush = {});
    ~GroupCommit();  // stop()
    // Finishes what is queued and ends the threads; the writer's connection stays open until
    // the destructor, so an owner can let go of statements it prepared on it first.
    void stop();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    void enqueue(std::unique_ptr<Work> work);

    // For monitoring and the benchmark: how many transactions carried how many works.
    struct Counts {
        std::uint64_t transactions = 0;
        std::uint64_t works = 0;
    };
    Counts counts() const;

private:
    void write_loop();
    void write(Batch batch);
    void flush_loop();

    Database& db_;
    std::unique_ptr<soci::session> session_;  // the writer's own connection, outside the pool
    std::unique_ptr<LogCheckpointer> checkpointer_;  // SQLite: its log copied back elsewhere
    Processor processor_;
    std::size_t max_batch_;
    Flush flush_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;       // the writer: work queued, or stopping
    std::condition_variable committed_;  // the flusher: batches committed, or the writer done
    std::deque<std::unique_ptr<Work>> queue_;
    std::vector<Batch> unflushed_;  // committed, not yet durable, in commit order
    bool stopping_ = false;
    bool writer_done_ = false;
    Counts counts_;
    std::thread flusher_;
    std::thread writer_;
};

}  // namespace sigcard::storage
