#include "http/rate_limiter.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

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

// Full: forget the fullest tenth of the buckets — idle clients first, whose buckets are full
// again anyway, then those with most tokens left, who lose least by starting over. Never the
// drained buckets of busy clients: forgetting those would hand a flood fresh bursts.
void RateLimiter::make_room(Clock::time_point now) {
    std::vector<std::pair<double, std::unordered_map<std::string, Bucket>::iterator>> by_tokens;
    by_tokens.reserve(buckets_.size());
    for (auto it = buckets_.begin(); it != buckets_.end(); ++it) {
        by_tokens.emplace_back(refill(it->second, now), it);
    }
    const std::size_t drop = std::max<std::size_t>(1, buckets_.size() / 10);
    std::nth_element(by_tokens.begin(), by_tokens.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                     by_tokens.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < drop; ++i) {
        buckets_.erase(by_tokens[i].second);
    }
}

std::string client_key(std::string_view address) {
    in6_addr v6{};
    const std::string text(address);
    if (address.find(':') == std::string_view::npos || inet_pton(AF_INET6, text.c_str(), &v6) != 1) {
        return text;  // IPv4, or whatever the server reports as it is
    }
    const auto* b = v6.s6_addr;
    const bool v4_mapped = std::all_of(b, b + 10, [](unsigned char x) { return x == 0; }) &&
                           b[10] == 0xff && b[11] == 0xff;
    if (v4_mapped) {
        return fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
    }
    // One household or host gets a /64: its 2^64 addresses are one client.
    return fmt::format("{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}::/64", b[0], b[1], b[2],
                       b[3], b[4], b[5], b[6], b[7]);
}

bool RateLimiter::allow(std::string_view client, Clock::time_point now) {
    const auto key = client_key(client);
    const std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_clients_) {
            make_room(now);
        }
        it = buckets_.emplace(key, Bucket{burst_, now}).first;
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
