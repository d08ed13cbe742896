// Work done now and then every `interval` on a thread of its own, until the task is destroyed
// (which waits for a running round to end). A round that throws is logged; the next one comes
// anyway. The portal's background duties use it: mails due, identification deadlines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sigcard {

class PeriodicTask {
public:
    // `name` says in the log whose round failed.
    PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> work);
    ~PeriodicTask();
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

private:
    std::string name_;
    std::chrono::milliseconds interval_;
    std::function<void()> work_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace sigcard
