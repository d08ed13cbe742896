#include "common/periodic_task.hpp"

#include <spdlog/spdlog.h>

namespace sigcard {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval,
                           std::function<void()> work)
    : name_(std::move(name)), interval_(interval), work_(std::move(work)) {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            lock.unlock();
            try {
                work_();
            } catch (const std::exception& e) {
                spdlog::warn("{}: {}", name_, e.what());
            }
            lock.lock();
            wake_.wait_for(lock, interval_, [this] { return stop_; });
        }
    });
}

PeriodicTask::~PeriodicTask() {
    {
        const std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

}  // namespace sigcard
