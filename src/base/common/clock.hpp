// The current time as the PKI, the database and the documents keep it: whole seconds (UTC).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

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

// "YYYY-MM-DD HH:MM:SS UTC" of Unix seconds, as records and statements print a time.
inline std::string utc_time_text(std::int64_t unix_seconds) {
    const std::chrono::sys_seconds t{std::chrono::seconds(unix_seconds)};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::hh_mm_ss time{t - day};
    char text[32];
    std::snprintf(text, sizeof text, "%s %02d:%02d:%02d UTC", iso_date(unix_seconds).c_str(),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

// The day of an ISO 8601 date ("2031-02-28", or the date part of "2031-02-28T00:00:00Z");
// nullopt when it is none.
inline std::optional<std::chrono::sys_days> iso_day(std::string_view iso) {
    const auto number = [&](std::size_t from, std::size_t length, unsigned& out) {
        out = 0;
        for (std::size_t i = from; i < from + length; ++i) {
            if (iso[i] < '0' || iso[i] > '9') {
                return false;
            }
            out = out * 10 + unsigned(iso[i] - '0');
        }
        return true;
    };
    unsigned year = 0, month = 0, day = 0;
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-' || !number(0, 4, year) ||
        !number(5, 2, month) || !number(8, 2, day)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(int(year)), std::chrono::month(month),
                                           std::chrono::day(day)};
    return date.ok() ? std::optional(std::chrono::sys_days(date)) : std::nullopt;
}

}  // namespace sigcard
