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

    // `rate` tokens per second refill each client's bucket up to `burst` tokens. A client is an
    // IPv4 address or an IPv6 /64. At most `max_clients` buckets are kept; when it fills up,
    // the fullest tenth (idle clients first) is forgotten, never the drained ones.
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
    void make_room(Clock::time_point now);

    double rate_;
    double burst_;
    std::size_t max_clients_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

// The key a client's bucket is kept under: an IPv4 address as it is (also when IPv4-mapped), an
// IPv6 address as its /64.
std::string client_key(std::string_view address);

}  // namespace sigcard::http
