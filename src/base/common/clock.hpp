// The current time as the PKI, the database and the documents keep it: whole seconds (UTC).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace sigcard {

inline std::chrono::sys_seconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Seconds since 1970, as the database stores times.
inline std::int64_t unix_now() { return now().time_since_epoch().count(); }

// "YYYY-MM-DD" of Unix seconds (UTC).
inline std::string iso_date(std::int64_t unix_seconds) {
    const std::chrono::year_month_day day{
        std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)))};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return text;
}

}  // namespace sigcard
