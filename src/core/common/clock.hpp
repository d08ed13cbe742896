// The current time as the database and the documents keep it: whole seconds since 1970 (UTC).
#pragma once

#include <chrono>
#include <cstdint>

namespace sigcard {

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace sigcard
