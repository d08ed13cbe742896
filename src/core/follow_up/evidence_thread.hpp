// The thread that makes a batch's revocation evidence while the writer stores its orders: one
// thread for the writer's lifetime (a thread per batch costs more than the signature: OpenSSL
// sets up its random generators anew in every thread).
#pragma once

#include "crypto/ossl.hpp"

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace sigcard::orders {

class EvidenceThread {
public:
    EvidenceThread();
    ~EvidenceThread();
    EvidenceThread(const EvidenceThread&) = delete;
    EvidenceThread& operator=(const EvidenceThread&) = delete;

    std::future<ossl::Bytes> start(std::function<ossl::Bytes()> make);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::packaged_task<ossl::Bytes()> task_;
    bool stopping_ = false;
    std::thread thread_;
};

// Waits for a future when leaving a scope, also by an exception: the task may use what the
// scope owns.
struct AwaitOnExit {
    std::future<ossl::Bytes>& future;
    ~AwaitOnExit() {
        if (future.valid()) {
            future.wait();
        }
    }
};

}  // namespace sigcard::orders
