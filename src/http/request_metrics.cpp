#include "http/request_metrics.hpp"

#include <fmt/format.h>

namespace sigcard::http {

void RequestMetrics::record(int status) noexcept {
    total_.fetch_add(1, std::memory_order_relaxed);
    const int status_class = status / 100;
    if (status_class >= 1 && status_class <= 5) {
        by_class_[static_cast<std::size_t>(status_class - 1)].fetch_add(1,
                                                                        std::memory_order_relaxed);
    }
}

RequestCounts RequestMetrics::snapshot() const noexcept {
    RequestCounts counts;
    counts.total = total_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < by_class_.size(); ++i) {
        counts.by_class[i] = by_class_[i].load(std::memory_order_relaxed);
    }
    return counts;
}

std::string format_prometheus(const RequestCounts& counts) {
    std::string text =
        "# HELP sigcard_http_requests_total HTTP answers by status class.\n"
        "# TYPE sigcard_http_requests_total counter\n";
    for (std::size_t i = 0; i < counts.by_class.size(); ++i) {
        text += fmt::format("sigcard_http_requests_total{{class=\"{}xx\"}} {}\n", i + 1,
                            counts.by_class[i]);
    }
    return text;
}

}  // namespace sigcard::http
