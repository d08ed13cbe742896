// What a load driver's run measured: how long, how many answers and failures, each answer's time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace sigcard::bench {

struct LoadFigures {
    double seconds = 0;
    std::size_t done = 0;
    std::size_t failed = 0;
    std::string first_failure;
    std::vector<double> latencies_ms;

    double per_second() const { return seconds > 0 ? done / seconds : 0; }
    // The p-quantile (0…1) of the answers' times, in milliseconds.
    double percentile(double p) const {
        if (latencies_ms.empty()) {
            return 0;
        }
        auto sorted = latencies_ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted[static_cast<std::size_t>(p * (sorted.size() - 1))];
    }
};

}  // namespace sigcard::bench
