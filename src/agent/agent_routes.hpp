// The agent's routes: the JSON API for the portal's pages (/v1/…) and the holder's own
// confirmation page (/confirm/…). Every handler runs behind the LoopbackGuard (see
// card_agent.cpp), which decides per route kind what Origin it accepts and whether CORS
// fields go out.
#pragma once

#include <string>

#include "agent/agent_config.hpp"
#include "agent/holder_cards.hpp"
#include "agent/loopback_guard.hpp"
#include "agent/signing_requests.hpp"
#include "http/router.hpp"

namespace sigcard::agent {

// Who may call a route.
enum class RouteAccess {
    any_page,  // no Origin needed (the holder opens it); a page's Origin must be a portal
    portal,    // an allowlisted portal Origin is required; CORS for it
    own_page,  // the agent's own page: no foreign Origin, never CORS
};

struct AgentContext {
    const AgentConfig& config;
    LoopbackGuard& guard;
    HolderCards& cards;
    SigningRequests& requests;
    std::string version;
};

// Adds `handler` for `method` and `path` (a prefix when `prefix`) behind the guard.
void add_guarded(http::Router& router, AgentContext& context, RouteAccess access,
                 const std::string& method, const std::string& path, bool prefix,
                 http::Handler handler);

void add_api_routes(http::Router& router, AgentContext& context);
void add_confirmation_routes(http::Router& router, AgentContext& context);

// The status a sigcard::Error gets in the agent's answers.
int agent_error_status(std::string_view id);

// Request ids are 32 lower-case hex digits; anything else is not looked up.
bool is_request_id(std::string_view text);

}  // namespace sigcard::agent
