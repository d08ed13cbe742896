// The http/https URLs the client talks to (OCSP responders, the portal API), split for a socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sigcard::http {

struct Url {
    bool https = false;
    std::string host;  // without IPv6 brackets
    std::uint16_t port = 0;
    std::string target = "/";  // path and query, as given

    // Throws sigcard::Error(http_client.invalid_url): other schemes, user info, bad port.
    static Url parse(std::string_view text);
    // Value of the Host header: the default port is left out, IPv6 literals get brackets.
    std::string host_header() const;
};

}  // namespace sigcard::http
