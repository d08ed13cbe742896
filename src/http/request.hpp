// What a route handler gets: one HTTP request as the server received it, without Beast types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/headers.hpp"

namespace sigcard::http {

// Decoded `application/x-www-form-urlencoded` pairs, in order; a name may repeat.
class QueryParameters {
public:
    using Parameter = std::pair<std::string, std::string>;

    // Parses "a=1&b=x+y%21". Throws sigcard::Error(http.bad_request) on broken %-escapes.
    static QueryParameters parse(std::string_view encoded);
    // Parameters read elsewhere (e.g. the text fields of a multipart form).
    static QueryParameters of(std::vector<Parameter> parameters) {
        QueryParameters q;
        q.parameters_ = std::move(parameters);
        return q;
    }

    std::optional<std::string_view> find(std::string_view name) const;  // first value
    std::vector<std::string_view> all(std::string_view name) const;
    const std::vector<Parameter>& parameters() const noexcept { return parameters_; }
    bool empty() const noexcept { return parameters_.empty(); }

private:
    std::vector<Parameter> parameters_;
};

// Decodes %XX escapes; `plus_is_space` for form encoding. nullopt when an escape is broken.
std::optional<std::string> percent_decode(std::string_view encoded, bool plus_is_space = false);

struct Request {
    std::string method;  // "GET", "POST", … as sent (methods are case-sensitive)
    // The path as sent, still percent-encoded, without the query string. Routing matches on it.
    std::string path;
    QueryParameters query;
    Headers headers;
    std::string body;            // raw bytes; may hold binary data (e.g. a DER OCSP request)
    std::string remote_address;  // peer IP without port: the key for rate limits
    std::uint16_t remote_port = 0;
    bool tls = false;
    // For prefix routes: the part of `path` after the prefix (still percent-encoded).
    std::string path_remainder;
};

}  // namespace sigcard::http
