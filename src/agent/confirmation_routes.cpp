// The holder's confirmation page and its form: the only place where a signature is confirmed
// and where a PIN may be typed on the PC. The form proves it comes from the page by the
// request's confirmation token; the PIN goes from the form into a Secret and to the card.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include "agent/agent_errors.hpp"
#include "agent/agent_routes.hpp"
#include "agent/confirmation_page.hpp"
#include "smartcard/card_errors.hpp"
#include "http/http_errors.hpp"

namespace sigcard::agent {

namespace {

using http::HttpError;
using http::Request;
using http::Response;

constexpr std::size_t max_pin_length = 64;

struct ConfirmationForm {
    std::string confirmation_token;
    std::string action;
    std::optional<Secret> pin;
};

// Parses the form body without leaving a decoded copy of the PIN anywhere but in the Secret.
ConfirmationForm parse_form(std::string_view body) {
    ConfirmationForm form;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? "" : body.substr(amp + 1);
        const auto equals = pair.find('=');
        const auto name = pair.substr(0, equals);
        const auto raw = equals == std::string_view::npos ? "" : pair.substr(equals + 1);
        auto value = http::percent_decode(raw, true);
        if (!value) {
            throw http::HttpError(errors::request_malformed, 400, "broken form encoding");
        }
        if (name == "pin") {
            if (value->size() <= max_pin_length) {
                form.pin.emplace(*value);
            }
            OPENSSL_cleanse(value->data(), value->size());
            if (!form.pin) {
                throw http::HttpError(errors::request_malformed, 400, "PIN too long");
            }
        } else if (name == "confirmation_token") {
            form.confirmation_token = std::move(*value);
        } else if (name == "action") {
            form.action = std::move(*value);
        }
    }
    return form;
}

// The server hands handlers its own mutable Request as const; the form body holds the PIN in
// clear and must not stay in memory after this handler. (Beast's read buffer is outside reach.)
void wipe_body(const http::Request& request) {
    auto& body = const_cast<std::string&>(request.body);
    OPENSSL_cleanse(body.data(), body.size());
}

// Wipes the body when the handler ends, whichever way: also a refused or unreadable form.
struct WipeBodyOnExit {
    const http::Request& request;
    ~WipeBodyOnExit() { wipe_body(request); }
};

// Any Origin but the agent's own (a portal, an attacker, "null") is refused before anything is
// read: only the page itself posts its form, and only a navigation opens it.
void refuse_foreign_origin(const AgentContext& context, const http::Request& request) {
    const auto origin = request.headers.find("Origin");
    if (origin && !context.guard.is_own_origin(*origin)) {
        throw http::HttpError(errors::confirmation_refused, 403, "Origin " + std::string(*origin));
    }
}

// The form is posted by the page itself (same origin); browsers that send Fetch Metadata say so.
void require_own_page_post(const AgentContext& context, const http::Request& request) {
    refuse_foreign_origin(context, request);
    const auto site = request.headers.find("Sec-Fetch-Site");
    if (site && *site != "same-origin") {
        throw http::HttpError(errors::confirmation_refused, 403, "Sec-Fetch-Site " + std::string(*site));
    }
}

// The page is opened as a window (the portal's page opens it: a cross-site navigation), never
// fetched by a script or embedded.
void require_navigation(const AgentContext& context, const http::Request& request) {
    refuse_foreign_origin(context, request);
    const auto mode = request.headers.find("Sec-Fetch-Mode");
    const auto destination = request.headers.find("Sec-Fetch-Dest");
    if ((mode && *mode != "navigate") || (destination && *destination != "document")) {
        throw http::HttpError(errors::confirmation_refused, 403, "not a top-level navigation");
    }
}

bool asks_for_pin_again(std::string_view id) {
    constexpr std::array codes{"card.pin_incorrect", "card.pin_incorrect_count_low",
                               "card.pin_incorrect_final_try", "card.pin_invalid",
                               "card.not_logged_in"};
    return std::find(codes.begin(), codes.end(), id) != codes.end();
}

http::Response sign(AgentContext& context, const SigningRequest& request, const Secret* pin) {
    const auto redirect = http::Response::redirect("/confirm/" + request.id);
    if (!request.pin_pad && (pin == nullptr || pin->empty())) {
        context.requests.retry_pin(request.id, smartcard::errors::not_logged_in);
        return confirmation_page(*context.requests.find(request.id), 422);
    }
    try {
        const auto cms =
            context.cards.sign(request.certificate_sha256, pin, request.document);
        context.requests.finish_signed(request.id, std::string(cms.begin(), cms.end()));
        spdlog::info("agent: request {} signed for {}", request.id, request.origin);
        return redirect;
    } catch (const Error& e) {
        spdlog::info("agent: request {} card error {} {}", request.id, e.id(), e.detail());
        if (asks_for_pin_again(e.id())) {
            context.requests.retry_pin(request.id, e.code());
            return confirmation_page(*context.requests.find(request.id), 422);
        }
        context.requests.finish_refused(request.id, e.code());
        return redirect;
    } catch (const std::exception& e) {
        spdlog::error("agent: request {} failed: {}", request.id, e.what());
        context.requests.finish_refused(request.id, smartcard::errors::device_error);
        return redirect;
    }
}

http::Response confirm(AgentContext& context, const http::Request& request) {
    const WipeBodyOnExit wipe{request};
    require_own_page_post(context, request);
    if (!request.headers.get("Content-Type").starts_with("application/x-www-form-urlencoded")) {
        throw http::HttpError(errors::request_malformed, 415, "content type");
    }
    auto form = parse_form(request.body);
    const std::string& id = request.path_remainder;
    if (!is_request_id(id)) {
        throw http::HttpError(errors::request_not_found, 404, "request id");
    }
    if (form.action == "cancel") {
        context.requests.cancel(id, form.confirmation_token);
        spdlog::info("agent: request {} cancelled by the holder", id);
        return http::Response::redirect("/confirm/" + id);
    }
    if (form.action != "sign") {
        throw http::HttpError(errors::request_malformed, 400, "action");
    }
    const auto signing = context.requests.begin_signing(id, form.confirmation_token);
    return sign(context, signing, form.pin ? &*form.pin : nullptr);
}

// GET /confirm/{id}/state, fetched by the confirmation page itself: whether a newer request of
// the same portal superseded this one (the page then closes itself). Nothing else is told.
http::Response state(AgentContext& context, const http::Request& request, const std::string& id) {
    refuse_foreign_origin(context, request);
    const auto site = request.headers.find("Sec-Fetch-Site");
    if (site && *site != "same-origin") {
        throw http::HttpError(errors::confirmation_refused, 403, "Sec-Fetch-Site " + std::string(*site));
    }
    const auto signing = is_request_id(id) ? context.requests.find(id) : std::nullopt;
    const bool superseded = !signing || signing->superseded;
    auto response = http::Response::json(nlohmann::json{{"superseded", superseded}}, signing ? 200 : 404);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response show(AgentContext& context, const http::Request& request) {
    constexpr std::string_view state_suffix = "/state";
    if (request.path_remainder.ends_with(state_suffix)) {
        return state(context, request,
                     request.path_remainder.substr(0, request.path_remainder.size() - state_suffix.size()));
    }
    require_navigation(context, request);
    const std::string& id = request.path_remainder;
    const auto signing = is_request_id(id) ? context.requests.find(id) : std::nullopt;
    return signing ? confirmation_page(*signing) : unknown_request_page();
}

}  // namespace

void add_confirmation_routes(http::Router& router, AgentContext& context) {
    add_guarded(router, context, RouteAccess::own_page, "GET", "/confirm/", true,
                [&context](const http::Request& request) { return show(context, request); });
    add_guarded(router, context, RouteAccess::own_page, "POST", "/confirm/", true,
                [&context](const http::Request& request) { return confirm(context, request); });
}

}  // namespace sigcard::agent
