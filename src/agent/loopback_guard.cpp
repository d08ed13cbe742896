#include "agent/loopback_guard.hpp"

#include <array>

#include "agent/agent_errors.hpp"
#include "http/http_errors.hpp"

namespace sigcard::agent {

namespace {

constexpr std::array loopback_hosts{"127.0.0.1", "localhost", "[::1]"};

// Request headers a portal page may send beyond the CORS-safelisted ones.
bool allowed_request_headers(std::string_view requested) {
    while (!requested.empty()) {
        const auto comma = requested.find(',');
        std::string_view name = requested.substr(0, comma);
        while (!name.empty() && name.front() == ' ') {
            name.remove_prefix(1);
        }
        while (!name.empty() && name.back() == ' ') {
            name.remove_suffix(1);
        }
        if (!name.empty() && !http::equals_ignoring_case(name, "content-type")) {
            return false;
        }
        requested = comma == std::string_view::npos ? "" : requested.substr(comma + 1);
    }
    return true;
}

}  // namespace

void LoopbackGuard::check_host(const http::Request& request) const {
    const auto host = request.headers.find("Host");
    const auto port = port_.load();
    if (host && port != 0) {
        const std::string suffix = ":" + std::to_string(port);
        for (const std::string_view name : loopback_hosts) {
            if (host->size() == name.size() + suffix.size() &&
                http::equals_ignoring_case(host->substr(0, name.size()), name) &&
                host->substr(name.size()) == suffix) {
                return;
            }
        }
    }
    throw http::HttpError(errors::host_refused, 421,
                            "Host " + std::string(host.value_or("(none)")));
}

std::string LoopbackGuard::allowed_origin(const http::Request& request) const {
    const auto origin = request.headers.find("Origin");
    // Browsers send the Origin in canonical form; comparing the raw value exactly means a
    // look-alike ("https://localhost:8443/", upper case …) is never taken for a portal.
    if (origin && config_.find_portal(*origin) != nullptr) {
        return std::string(*origin);
    }
    return {};
}

std::string LoopbackGuard::require_allowed_origin(const http::Request& request) const {
    auto origin = allowed_origin(request);
    if (origin.empty()) {
        throw http::HttpError(
            errors::origin_refused, 403,
            "Origin " + std::string(request.headers.find("Origin").value_or("(none)")));
    }
    return origin;
}

http::Response LoopbackGuard::preflight(const http::Request& request) const {
    const auto origin = require_allowed_origin(request);
    const auto method = request.headers.get("Access-Control-Request-Method");
    if ((method != "GET" && method != "POST") ||
        !allowed_request_headers(request.headers.get("Access-Control-Request-Headers"))) {
        throw http::HttpError(errors::request_malformed, 403,
                                "preflight for " + std::string(method));
    }
    http::Response response;
    response.status = 204;
    add_cors(response, origin);
    response.headers.set("Access-Control-Allow-Methods", "GET, POST");
    response.headers.set("Access-Control-Allow-Headers", "Content-Type");
    response.headers.set("Access-Control-Max-Age", "600");
    // Private Network Access (Chrome): a public or secure page calling loopback asks first.
    if (http::equals_ignoring_case(request.headers.get("Access-Control-Request-Private-Network"),
                                     "true")) {
        response.headers.set("Access-Control-Allow-Private-Network", "true");
    }
    return response;
}

void LoopbackGuard::add_cors(http::Response& response, std::string_view allowed_origin) {
    response.headers.set("Vary", "Origin");
    if (!allowed_origin.empty()) {
        response.headers.set("Access-Control-Allow-Origin", std::string(allowed_origin));
    }
}

bool LoopbackGuard::is_own_origin(std::string_view origin) const {
    const std::string suffix = ":" + std::to_string(port_.load());
    for (const std::string_view name : loopback_hosts) {
        if (origin == "http://" + std::string(name) + suffix) {
            return true;
        }
    }
    return false;
}

}  // namespace sigcard::agent
