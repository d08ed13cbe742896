// The JSON API the portal's pages call: status, cards, certificate, and signing requests.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/agent_errors.hpp"
#include "agent/agent_routes.hpp"
#include "agent/portal_request.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"

namespace sigcard::agent {

namespace {

using nlohmann::json;
using http::HttpError;
using http::Request;
using http::Response;

// The largest order document the agent shows and signs; the request body limit follows from it.
constexpr std::size_t max_document_size = 128 * 1024;

json error_json(const ErrorCode& code) {
    return {{"code", code.id}, {"message", {{"de", code.de}, {"en", code.en}}}};
}

std::string base64(const ossl::Bytes& bytes) {
    return encoding::to_base64(bytes.data(), bytes.size());
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

http::Response status(AgentContext& context) {
    const auto reader = context.cards.status();
    return http::Response::json(
        {{"agent", "sigcard-agent"},
         {"version", context.version},
         {"reader",
          {{"state", reader.state}, {"readers", reader.readers}, {"cards", reader.cards}}},
         {"require_pin_pad", context.config.require_pin_pad},
         {"busy", context.requests.busy()}});
}

// Every reader and card, with what the holder needs to choose: name, validity, issuer.
http::Response cards(AgentContext& context) {
    json list = json::array();
    for (const auto& card : context.cards.cards()) {
        const auto& slot = card.token;
        const bool present = slot.present && slot.initialized();
        json entry{{"reader", slot.reader},
                   {"present", present},
                   {"label", present ? slot.label : ""},
                   {"serial", present ? slot.serial : ""},
                   {"has_pin_pad", slot.has_pin_pad()},
                   {"pin_locked", present && slot.pin_locked()},
                   {"pin_count_low", present && slot.pin_count_low()}};
        if (card.usable()) {
            entry["certificate"] = {{"sha256", card.certificate_sha256},
                                    {"der_base64", base64(card.certificate_der)},
                                    {"holder_name", card.holder_name},
                                    {"issuer_name", card.issuer_name},
                                    {"not_before", card.not_before},
                                    {"not_after", card.not_after}};
        } else if (card.problem != nullptr) {
            entry["problem"] = error_json(*card.problem);
        }
        list.push_back(std::move(entry));
    }
    return http::Response::json({{"cards", list}});
}

http::Response certificate(AgentContext& context, const http::Request& request) {
    const auto token = request.query.find("token");
    if (!token || token->empty()) {
        throw http::HttpError(errors::request_malformed, 400, "token missing");
    }
    const std::string label(*token);
    return http::Response::json(
        {{"token", label},
         {"certificate_base64", base64(context.cards.qualified_certificate(label))}});
}

http::Response open_signing_request(AgentContext& context, const http::Request& request,
                              const std::string& origin) {
    // JSON only: a cross-site form or text/plain post can never start a signature, and
    // browsers must preflight this content type.
    if (!request.headers.get("Content-Type").starts_with("application/json")) {
        throw http::HttpError(errors::request_malformed, 415, "content type");
    }
    const auto body = parse_sign_request(request.body, max_document_size);
    const auto* portal = context.config.find_portal(origin);
    const auto verified = verify_portal_request(body, *portal);
    // Only the card the portal checked signs; when it is not in reach the holder hears so now,
    // before any window or PIN.
    const auto card = context.cards.find_by_certificate(verified.certificate_sha256);

    SigningRequest signing;
    signing.origin = verified.origin;
    signing.document = body.document;
    signing.certificate_sha256 = card.certificate_sha256;
    signing.holder_name = card.holder_name;
    signing.token_label = card.token.label;
    signing.reader = card.token.reader;
    signing.pin_pad = card.token.has_pin_pad();
    const auto opened =
        context.requests.open(std::move(signing), verified.nonce, verified.expires_at);
    return http::Response::json({{"request_id", opened.id},
                           {"confirm_url", fmt::format("http://127.0.0.1:{}/confirm/{}",
                                                       context.guard.port(), opened.id)},
                           {"expires_at", unix_seconds(opened.expires_at)}},
                          201);
}

json request_state(const SigningRequest& request) {
    json answer{{"request_id", request.id}, {"expires_at", unix_seconds(request.expires_at)}};
    switch (request.state) {
        case SigningState::pending:
        case SigningState::signing:
            // The portal needs no more: whether the holder is typing a PIN is the agent's.
            answer["state"] = "pending";
            break;
        case SigningState::completed:
            answer["state"] = "signed";
            answer["signature_base64"] = encoding::to_base64(request.signature);
            break;
        case SigningState::refused:
            answer["state"] = "refused";
            answer["error"] =
                error_json(request.refusal != nullptr ? *request.refusal : errors::request_expired);
            break;
    }
    return answer;
}

// A portal sees only its own requests: another allowlisted origin learns nothing about them.
SigningRequest own_request(AgentContext& context, const std::string& id,
                           const std::string& origin) {
    auto request = is_request_id(id) ? context.requests.find(id) : std::nullopt;
    if (!request || request->origin != origin) {
        throw http::HttpError(errors::request_not_found, 404, "request " + id);
    }
    return *request;
}

}  // namespace

void add_api_routes(http::Router& router, AgentContext& context) {
    add_guarded(router, context, RouteAccess::any_page, "GET", "/v1/status", false,
                [&context](const http::Request&) { return status(context); });
    add_guarded(router, context, RouteAccess::portal, "GET", "/v1/cards", false,
                [&context](const http::Request&) { return cards(context); });
    add_guarded(router, context, RouteAccess::portal, "GET", "/v1/certificate", false,
                [&context](const http::Request& request) { return certificate(context, request); });
    add_guarded(router, context, RouteAccess::portal, "POST", "/v1/sign", false,
                [&context](const http::Request& request) {
                    return open_signing_request(context, request,
                                                context.guard.require_allowed_origin(request));
                });
    add_guarded(router, context, RouteAccess::portal, "GET", "/v1/sign/", true,
                [&context](const http::Request& request) {
                    const auto origin = context.guard.require_allowed_origin(request);
                    return http::Response::json(
                        request_state(own_request(context, request.path_remainder, origin)));
                });
    // POST /v1/sign/{id}/cancel: the portal withdraws a request the holder has not confirmed.
    add_guarded(router, context, RouteAccess::portal, "POST", "/v1/sign/", true,
                [&context](const http::Request& request) {
                    const auto origin = context.guard.require_allowed_origin(request);
                    const std::string_view rest = request.path_remainder;
                    constexpr std::string_view suffix = "/cancel";
                    if (!rest.ends_with(suffix)) {
                        return http::Response::error(http::errors::not_found, 404);
                    }
                    const std::string id(rest.substr(0, rest.size() - suffix.size()));
                    own_request(context, id, origin);
                    context.requests.withdraw(id, origin);
                    return http::Response::json(request_state(*context.requests.find(id)));
                });
}

}  // namespace sigcard::agent
