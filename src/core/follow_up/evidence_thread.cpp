#include "follow_up/evidence_thread.hpp"

#include <pthread.h>

namespace sigcard::orders {

EvidenceThread::EvidenceThread() : thread_([this] { run(); }) {}

EvidenceThread::~EvidenceThread() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

std::future<ossl::Bytes> EvidenceThread::start(std::function<ossl::Bytes()> make) {
    std::packaged_task<ossl::Bytes()> task(std::move(make));
    auto result = task.get_future();
    {
        std::lock_guard lock(mutex_);
        task_ = std::move(task);
    }
    wake_.notify_one();
    return result;
}

void EvidenceThread::run() {
    ::pthread_setname_np(::pthread_self(), "sigcard-ocsp");
    for (;;) {
        std::packaged_task<ossl::Bytes()> task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || task_.valid(); });
            if (!task_.valid()) {
                return;
            }
            task = std::move(task_);
        }
        task();  // its result or exception goes to the future
    }
}

}  // namespace sigcard::orders
