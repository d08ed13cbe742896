#include "storage/group_commit.hpp"

#include <pthread.h>

namespace sigcard::storage {

GroupCommit::GroupCommit(Database& db, Processor processor, std::size_t max_batch)
    : db_(db),
      session_(db.connect()),
      processor_(std::move(processor)),
      max_batch_(max_batch),
      writer_([this] { write_loop(); }) {}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
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
            // Everything that arrived while the last batch was being flushed goes together.
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        write(batch);
    }
}

void GroupCommit::write(Batch& batch) {
    std::exception_ptr failure;
    try {
        db_.in_transaction(*session_, [&](soci::session& tx) { processor_(tx, batch); });
    } catch (...) {
        // Nothing of this batch is durable: nobody may be told otherwise.
        failure = std::current_exception();
    }
    if (!failure) {
        std::lock_guard lock(mutex_);
        counts_.transactions += 1;
        counts_.works += batch.size();
    }
    for (auto& work : batch) {
        work->settle(failure);
    }
}

}  // namespace sigcard::storage
