// The agent's front door. Every request must name the agent by a loopback Host (a page that
// reaches 127.0.0.1 through a rebound DNS name is refused), and every API call from a page must
// come from an allowlisted portal Origin. CORS answers echo exactly that origin — never a
// wildcard — and preflights also grant Private/Local Network Access to allowlisted origins only.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/agent_config.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace sigcard::agent {

class LoopbackGuard {
public:
    explicit LoopbackGuard(const AgentConfig& config) : config_(config) {}

    // The port the agent is bound to; until it is known every Host is refused.
    void set_port(std::uint16_t port) { port_.store(port); }
    std::uint16_t port() const { return port_.load(); }

    // Throws HttpError(agent.host_refused, 421) unless Host is 127.0.0.1, localhost or [::1]
    // with the agent's port.
    void check_host(const http::Request& request) const;

    // The request's Origin when it is an allowlisted portal, else empty.
    std::string allowed_origin(const http::Request& request) const;
    // Throws HttpError(agent.origin_refused, 403) unless the Origin is allowlisted.
    std::string require_allowed_origin(const http::Request& request) const;

    // The answer to an OPTIONS preflight (refuses foreign origins and unexpected methods).
    http::Response preflight(const http::Request& request) const;

    // CORS fields for an allowlisted origin; `Vary: Origin` always, so caches keep answers for
    // different origins apart.
    static void add_cors(http::Response& response, std::string_view allowed_origin);

    // The agent's own origin as its pages see it (for the confirmation page's form posts).
    bool is_own_origin(std::string_view origin) const;

private:
    const AgentConfig& config_;
    std::atomic<std::uint16_t> port_{0};
};

}  // namespace sigcard::agent
