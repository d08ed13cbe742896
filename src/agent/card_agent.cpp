#include "agent/card_agent.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "agent/agent_errors.hpp"
#include "agent/agent_routes.hpp"
#include "http/http_errors.hpp"
#include "http/http_server.hpp"

namespace sigcard::agent {

namespace {

using http::Request;
using http::Response;

// JSON bodies carry a document of at most 128 KiB as base64 plus the portal's request: nothing
// the agent accepts is bigger than this.
constexpr std::size_t body_limit = 256 * 1024;

http::ErrorStatusTable agent_statuses() {
    http::ErrorStatusTable table;
    table.set("card.", 409);  // the card or reader is not in the state the call needs
    table.set("card.token_not_found", 404);
    table.set("card.no_reader", 503);
    table.set("card.no_card", 503);
    table.set("card.module_missing", 503);
    table.set("card.module_not_loadable", 503);
    return table;
}

http::Response refusal(const Error& e, int status, const http::Request& request) {
    spdlog::info("agent refused {} {}: {} {}", request.method, request.path.substr(0, 64), e.id(),
                 e.detail());
    return http::Response::error(e.code(), status);
}

}  // namespace

int agent_error_status(std::string_view id) {
    static const auto table = agent_statuses();
    return table.status_for(id);
}

bool is_request_id(std::string_view text) {
    return text.size() == 32 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void add_guarded(http::Router& router, AgentContext& context, RouteAccess access,
                 const std::string& method, const std::string& path, bool prefix,
                 http::Handler handler) {
    auto guarded = [&context, access, handler = std::move(handler)](const http::Request& request) {
        std::string origin;
        http::Response response;
        try {
            context.guard.check_host(request);
            if (access == RouteAccess::portal) {
                origin = context.guard.require_allowed_origin(request);
            } else if (access == RouteAccess::any_page && request.headers.contains("Origin")) {
                // Without Origin it is the holder opening the URL; a page must be a portal.
                origin = context.guard.require_allowed_origin(request);
            }
            response = handler(request);
        } catch (const http::HttpError& e) {
            response = refusal(e, e.status(), request);
        } catch (const Error& e) {
            response = refusal(e, agent_error_status(e.id()), request);
        }
        // The confirmation page and its form never carry CORS fields: no portal script may
        // read the page (and its confirmation token) or the result of posting it.
        if (access != RouteAccess::own_page) {
            LoopbackGuard::add_cors(response, origin);
        }
        return response;
    };
    if (prefix) {
        router.add_prefix(method, path, std::move(guarded));
    } else {
        router.add(method, path, std::move(guarded));
    }
}

struct CardAgent::Parts {
    explicit Parts(AgentConfig agent_config)
        : config(std::move(agent_config)),
          guard(config),
          cards(config.pkcs11_module, {.require_pin_pad = config.require_pin_pad}),
          requests(config.request_lifetime),
          context{config, guard, cards, requests, agent_version()} {}

    AgentConfig config;
    LoopbackGuard guard;
    HolderCards cards;
    SigningRequests requests;
    AgentContext context;
    std::unique_ptr<http::HttpServer> server;
};

CardAgent::CardAgent(AgentConfig config) : parts_(std::make_unique<Parts>(std::move(config))) {}

CardAgent::~CardAgent() {
    stop();
}

void CardAgent::start() {
    auto& context = parts_->context;
    http::Router router;
    add_api_routes(router, context);
    add_confirmation_routes(router, context);
    // Preflights for the API, and host-checked answers for every other path and method, so
    // not even a 404 reaches a page behind a foreign Host.
    add_guarded(router, context, RouteAccess::portal, "OPTIONS", "/v1/", true,
                [&context](const http::Request& request) { return context.guard.preflight(request); });
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
        add_guarded(router, context, RouteAccess::own_page, method, "/", true,
                    [](const http::Request&) { return http::Response::error(http::errors::not_found, 404); });
    }

    http::ServerConfig server;
    // Loopback only, by address: the agent is never reachable from the network.
    server.address = "127.0.0.1";
    server.port = parts_->config.port;
    server.threads = 4;  // one may wait for the holder at the PIN pad while the page polls
    server.body_limit = body_limit;
    server.header_limit = 8 * 1024;
    server.error_statuses = agent_statuses();
    parts_->server = std::make_unique<http::HttpServer>(server, std::move(router));
    try {
        parts_->server->start();
    } catch (const Error& e) {
        if (e.id() == http::errors::server_port_in_use.id) {
            throw Error(errors::port_in_use, fmt::format("127.0.0.1:{}", server.port));
        }
        throw;
    }
    parts_->guard.set_port(parts_->server->port());
    spdlog::info("sigcard-agent {} listening on http://127.0.0.1:{}", parts_->context.version,
                 parts_->server->port());
}

std::uint16_t CardAgent::port() const {
    return parts_->guard.port();
}

void CardAgent::stop() {
    if (parts_ && parts_->server) {
        parts_->server->stop();
    }
}

std::string agent_version() {
    return SIGCARD_AGENT_VERSION;
}

}  // namespace sigcard::agent
