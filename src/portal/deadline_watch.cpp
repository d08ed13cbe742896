#include "portal/deadline_watch.hpp"

#include "common/clock.hpp"

#include <spdlog/spdlog.h>

namespace sigcard::portal {

DeadlineWatch::DeadlineWatch(new_order::NewOrders& orders, std::chrono::milliseconds interval)
    : orders_(orders), interval_(interval) {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            lock.unlock();
            try {
                for (const auto& number : orders_.expire_overdue(unix_now())) {
                    spdlog::info("order {} expired: not identified by its deadline", number);
                }
            } catch (const std::exception& e) {
                spdlog::warn("identification deadlines: {}", e.what());
            }
            lock.lock();
            wake_.wait_for(lock, interval_, [this] { return stop_; });
        }
    });
}

DeadlineWatch::~DeadlineWatch() {
    {
        const std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

}  // namespace sigcard::portal
