// Request counters per status class, cheap enough to update on every answer; the app serves
// them on /metrics (Prometheus text format).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace sigcard::http {

struct RequestCounts {
    std::uint64_t total = 0;
    std::array<std::uint64_t, 5> by_class{};  // [0] = 1xx … [4] = 5xx

    std::uint64_t status_class(int first_digit) const { return by_class.at(first_digit - 1); }
};

class RequestMetrics {
public:
    void record(int status) noexcept;
    RequestCounts snapshot() const noexcept;

private:
    std::atomic<std::uint64_t> total_{0};
    std::array<std::atomic<std::uint64_t>, 5> by_class_{};
};

// e.g. `sigcard_http_requests_total{class="2xx"} 17`, one line per class.
std::string format_prometheus(const RequestCounts& counts);

}  // namespace sigcard::http
