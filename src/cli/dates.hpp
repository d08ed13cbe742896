// Dates as operators type them (YYYY-MM-DD, UTC).
#pragma once

#include <cstdint>
#include <string>

namespace sigcard::cli {

// Throws CLI::ValidationError for anything but a valid YYYY-MM-DD.
std::int64_t parse_date(const std::string& text);
std::string format_date(std::int64_t unix_seconds);

}  // namespace sigcard::cli
