#include "http/rate_limiter.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace sigcard::http {

RateLimiter::RateLimiter(double rate_per_second, double burst, std::size_t max_clients)
    : rate_(rate_per_second), burst_(burst), max_clients_(max_clients) {
    if (rate_ <= 0 || burst_ < 1 || max_clients_ == 0) {
        throw std::invalid_argument("RateLimiter needs rate > 0, burst >= 1, max_clients > 0");
    }
}

double RateLimiter::refill(Bucket& bucket, Clock::time_point now) const {
    if (now > bucket.updated) {
        const std::chrono::duration<double> elapsed = now - bucket.updated;
        bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
        bucket.updated = now;
    }
    return bucket.tokens;
}

void RateLimiter::evict_idle(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        it = refill(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    // Still full of busy clients (a flood from many addresses): forget them all rather than
    // grow without bound; they start again with a full burst.
    if (buckets_.size() >= max_clients_) {
        buckets_.clear();
    }
}

bool RateLimiter::allow(std::string_view client, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    auto it = buckets_.find(std::string(client));
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_clients_) {
            evict_idle(now);
        }
        it = buckets_.emplace(std::string(client), Bucket{burst_, now}).first;
    }
    Bucket& bucket = it->second;
    if (refill(bucket, now) < 1.0) {
        return false;
    }
    bucket.tokens -= 1.0;
    return true;
}

std::size_t RateLimiter::tracked_clients() const {
    const std::lock_guard lock(mutex_);
    return buckets_.size();
}

}  // namespace sigcard::http
