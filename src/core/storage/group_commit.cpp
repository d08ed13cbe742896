#include "storage/group_commit.hpp"

namespace sigcard::storage {

GroupCommit::GroupCommit(Database& db, std::size_t max_batch)
    : db_(db), max_batch_(max_batch), writer_([this] { write_loop(); }) {}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
}

void GroupCommit::run(std::function<void(soci::session&)> work) {
    std::future<void> done;
    {
        std::lock_guard lock(mutex_);
        Pending pending{std::move(work), {}};
        done = pending.done.get_future();
        queue_.push_back(std::move(pending));
    }
    wake_.notify_one();
    done.get();
}

GroupCommit::Counts GroupCommit::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

void GroupCommit::write_loop() {
    for (;;) {
        std::deque<Pending> batch;
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
        commit_batch(batch);
    }
}

void GroupCommit::commit_batch(std::deque<Pending>& batch) {
    std::vector<std::exception_ptr> failures(batch.size());
    try {
        db_.in_transaction([&](soci::session& s) {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                s << "SAVEPOINT group_commit_work";
                try {
                    batch[i].work(s);
                    s << "RELEASE SAVEPOINT group_commit_work";
                } catch (...) {
                    failures[i] = std::current_exception();
                    s << "ROLLBACK TO SAVEPOINT group_commit_work";
                    s << "RELEASE SAVEPOINT group_commit_work";
                }
            }
        });
    } catch (...) {
        // Nothing of this batch is durable: nobody may be told otherwise.
        const auto failure = std::current_exception();
        for (auto& pending : batch) {
            pending.done.set_exception(failure);
        }
        return;
    }
    {
        std::lock_guard lock(mutex_);
        counts_.transactions += 1;
        counts_.works += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (failures[i]) {
            batch[i].done.set_exception(failures[i]);
        } else {
            batch[i].done.set_value();
        }
    }
}

}  // namespace sigcard::storage
