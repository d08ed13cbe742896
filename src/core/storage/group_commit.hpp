// Group commit: concurrent writers share one transaction — and so one fsync — instead of paying
// for one each. Each caller's work runs in its own savepoint, so a failing caller rolls back
// only its own changes; every caller returns only after the shared transaction is durable. An
// acknowledged order is therefore never lost, and a busy portal is not bound by the disk's
// flush rate.
#pragma once

#include "storage/database.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace sigcard::storage {

class GroupCommit {
public:
    explicit GroupCommit(Database& db, std::size_t max_batch = 256);
    ~GroupCommit();  // finishes what is queued
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Runs `work` in the next shared transaction and returns once that is committed. If `work`
    // throws, its changes are undone, the others' are kept, and the exception is rethrown here.
    // If the commit itself fails, every caller of that batch gets the failure.
    void run(std::function<void(soci::session&)> work);

    // For monitoring and the benchmark: how many transactions carried how many works.
    struct Counts {
        std::uint64_t transactions = 0;
        std::uint64_t works = 0;
    };
    Counts counts() const;

private:
    struct Pending {
        std::function<void(soci::session&)> work;
        std::promise<void> done;
    };
    void write_loop();
    void commit_batch(std::deque<Pending>& batch);

    Database& db_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Pending> queue_;
    bool stopping_ = false;
    Counts counts_;
    std::thread writer_;
};

}  // namespace sigcard::storage
