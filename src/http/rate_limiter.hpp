// A token bucket per client address, for routes that look things up by guessable keys
// (eligibility, order status): `if (!limiter.allow(req.remote_address)) throw HttpError(...)`.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sigcard::http {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // `rate` tokens per second refill each client's bucket up to `burst` tokens. At most
    // `max_clients` buckets are kept; full (idle) buckets are dropped first when it fills up.
    RateLimiter(double rate_per_second, double burst, std::size_t max_clients = 100'000);

    bool allow(std::string_view client) { return allow(client, Clock::now()); }
    // With an explicit time, so tests need no sleeping.
    bool allow(std::string_view client, Clock::time_point now);

    std::size_t tracked_clients() const;

private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    double refill(Bucket& bucket, Clock::time_point now) const;
    void evict_idle(Clock::time_point now);

    double rate_;
    double burst_;
    std::size_t max_clients_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace sigcard::http
