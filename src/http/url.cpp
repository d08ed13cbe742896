#include "http/url.hpp"

#include <charconv>

#include "common/error.hpp"
#include "http/http_errors.hpp"

namespace sigcard::http {

namespace {
[[noreturn]] void invalid(std::string_view text, std::string_view why) {
    throw Error(errors::client_invalid_url, std::string(why) + ": " + std::string(text));
}
}  // namespace

Url Url::parse(std::string_view text) {
    Url url;
    std::string_view rest;
    if (text.starts_with("https://")) {
        url.https = true;
        rest = text.substr(8);
    } else if (text.starts_with("http://")) {
        rest = text.substr(7);
    } else {
        invalid(text, "scheme must be http or https");
    }
    rest = rest.substr(0, rest.find('#'));
    const auto target_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, target_start);
    if (target_start != std::string_view::npos) {
        url.target = std::string(rest.substr(target_start));
        if (url.target.front() == '?') {
            url.target.insert(0, "/");
        }
    }
    if (authority.find('@') != std::string_view::npos) {
        invalid(text, "user info is not supported");  // credentials don't belong in URLs here
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            invalid(text, "unclosed IPv6 literal");
        }
        url.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) {
            invalid(text, "junk after IPv6 literal");
        }
        port_text = after.empty() ? after : after.substr(1);
    } else {
        const auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        port_text =
            colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
    }
    if (url.host.empty()) {
        invalid(text, "no host");
    }
    url.port = url.https ? 443 : 80;
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.begin(), port_text.end(), port);
        if (ec != std::errc{} || end != port_text.end() || port == 0 || port > 65535) {
            invalid(text, "bad port");
        }
        url.port = static_cast<std::uint16_t>(port);
    }
    return url;
}

std::string Url::host_header() const {
    std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    const bool default_port = port == (https ? 443 : 80);
    return default_port ? host_part : host_part + ":" + std::to_string(port);
}

}  // namespace sigcard::http
