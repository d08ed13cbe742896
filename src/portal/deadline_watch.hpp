// New orders not identified by their deadline become `expired` (new_order::NewOrders::
// expire_overdue), checked every `interval` on a thread of its own until destroyed. Any number of
// portal instances may run one: each order moves once (the step is conditional on its state).
#pragma once

#include "new_order/new_orders.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sigcard::portal {

class DeadlineWatch {
public:
    DeadlineWatch(new_order::NewOrders& orders, std::chrono::milliseconds interval);
    ~DeadlineWatch();
    DeadlineWatch(const DeadlineWatch&) = delete;
    DeadlineWatch& operator=(const DeadlineWatch&) = delete;

private:
    new_order::NewOrders& orders_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace sigcard::portal
