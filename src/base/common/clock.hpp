// The current time as the PKI, the database and the documents keep it: whole seconds (UTC).
#pragma once

#include <chrono>
#include <cstdint>

namespace sigcard {

inline std::chrono::sys_seconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Seconds since 1970, as the database stores times.
inline std::int64_t unix_now() { return now().time_since_epoch().count(); }

}  // namespace sigcard
