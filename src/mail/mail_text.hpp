// What the holders' mails share: the portal's base address, a German date, the order's email
// address. Internal to mail/.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ctime>
#include <string>

namespace sigcard::mail {

inline std::string base_url(std::string url) {
    while (url.ends_with('/')) {
        url.pop_back();
    }
    return url;
}

// A new order's own page, behind the order's document key.
inline std::string new_order_page(const std::string& portal_url, const std::string& order_number,
                                  const std::string& key) {
    return base_url(portal_url) + "/neuauftrag/" + order_number + "?key=" + key;
}

// The same link for the English page.
inline std::string english(const std::string& link) {
    return link + (link.find('?') == std::string::npos ? "?lang=en" : "&lang=en");
}

inline std::string date_de(std::int64_t unix_seconds) {
    const std::time_t t = unix_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%d.%m.%Y", &tm);
    return buffer;
}

inline std::string email_of(const std::string& order_data) {
    const auto json = nlohmann::json::parse(order_data, nullptr, false);
    if (!json.is_object()) {
        return {};
    }
    return json.value("contact", nlohmann::json::object()).value("email", "");
}

}  // namespace sigcard::mail
