#include "http/request.hpp"

#include "common/error.hpp"
#include "http/http_errors.hpp"

namespace sigcard::http {

namespace {
int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view encoded, bool plus_is_space) {
    std::string decoded;
    decoded.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '%') {
            if (i + 2 >= encoded.size()) {  // needs two hex digits after '%'
                return std::nullopt;
            }
            const int high = hex_value(encoded[i + 1]);
            const int low = hex_value(encoded[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            decoded.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            decoded.push_back(' ');
        } else {
            decoded.push_back(c);
        }
    }
    return decoded;
}

QueryParameters QueryParameters::parse(std::string_view encoded) {
    QueryParameters result;
    while (!encoded.empty()) {
        const auto amp = encoded.find('&');
        const std::string_view pair = encoded.substr(0, amp);
        encoded = amp == std::string_view::npos ? std::string_view{} : encoded.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!name || !value) {
            throw Error(errors::bad_request, "broken percent-escape in query string");
        }
        result.parameters_.emplace_back(std::move(*name), std::move(*value));
    }
    return result;
}

std::optional<std::string_view> QueryParameters::find(std::string_view name) const {
    for (const auto& [n, v] : parameters_) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> QueryParameters::all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const auto& [n, v] : parameters_) {
        if (n == name) {
            values.push_back(v);
        }
    }
    return values;
}

}  // namespace sigcard::http
