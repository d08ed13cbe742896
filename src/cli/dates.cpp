#include "cli/dates.hpp"

#include "orders/order_document.hpp"

#include <CLI/CLI.hpp>

#include <ctime>
#include <regex>

namespace sigcard::cli {

std::int64_t parse_date(const std::string& text) {
    static const std::regex pattern("^([0-9]{4})-([0-9]{2})-([0-9]{2})$");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) {
        throw CLI::ValidationError("date", "expected YYYY-MM-DD, got " + text);
    }
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    const std::time_t t = timegm(&tm);
    if (format_date(t) != text) {
        throw CLI::ValidationError("date", "no such day: " + text);
    }
    return t;
}

std::string format_date(std::int64_t unix_seconds) {
    return orders::format_utc(unix_seconds).substr(0, 10);  // YYYY-MM-DD
}

}  // namespace sigcard::cli
