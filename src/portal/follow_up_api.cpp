#include "portal/follow_up_api.hpp"

#include "portal/api_support.hpp"

#include "common/clock.hpp"
#include "orders/revocation_password.hpp"
#include "portal/confirmation_response.hpp"

#include "documents/order_confirmation.hpp"
#include "orders/order_errors.hpp"
#include "pki/qualified_profile.hpp"
#include "portal/follow_up_api_errors.hpp"
#include "portal/follow_up_json.hpp"
#include "signature/cades.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace sigcard::portal {

namespace {

using nlohmann::json;

constexpr std::string_view kOrdersPrefix = "/api/v1/orders/";
constexpr std::string_view kConfirmationSuffix = "/confirmation.pdf";
constexpr std::string_view kTermsPrefix = "/terms/";
// A qualified certificate with its attributes is a few KiB; an order document a few more.
constexpr std::size_t kMaxCertificateBytes = 32 * 1024;
constexpr std::size_t kMaxDocumentBytes = 64 * 1024;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return ossl::as_bytes(s);
}

std::string required_query(const http::Request& request, const char* name) {
    const auto value = request.query.find(name);
    if (!value || value->empty()) {
        throw MalformedRequest(name, "query parameter missing");
    }
    return std::string(*value);
}

}  // namespace

FollowUpApi::FollowUpApi(orders::FollowUpOrders& follow_up, const orders::OrderBook& book,
                         storage::Database& database,
                         const pki::CertificateStore& certificates,
                         const config::TrustCenterConfig& config)
    : follow_up_(follow_up),
      book_(book),
      terms_(database),
      confirmations_(config.name, terms_, certificates),
      config_(config),
      // Per client, from sigcard.toml [limits]: look-ups by guessable keys, and what makes the
      // trust center store something.
      eligibility_limiter_(config.limits.eligibility.per_second(), config.limits.eligibility.burst),
      status_limiter_(config.limits.status.per_second(), config.limits.status.burst),
      draft_limiter_(config.limits.drafts.per_second(), config.limits.drafts.burst),
      submission_limiter_(config.limits.submissions.per_second(),
                          config.limits.submissions.burst) {
    set_follow_up_error_statuses(statuses_);
}

void FollowUpApi::add_routes(http::Router& router) {
    router.post("/api/v1/follow-up/eligibility",
                answering([this](const http::Request& r) { return eligibility(r); }, statuses_));
    router.post("/api/v1/follow-up/drafts",
                answering([this](const http::Request& r) { return create_draft(r); }, statuses_));
    router.post("/api/v1/follow-up/orders",
                answering([this](const http::Request& r) { return submit(r); }, statuses_));
    router.add_prefix("GET", std::string(kOrdersPrefix),
                      answering([this](const http::Request& r) { return order_resource(r); }, statuses_));
    router.get("/api/v1/terms/current",
               answering([this](const http::Request& r) { return current_terms(r); }, statuses_));
    router.add_prefix("GET", std::string(kTermsPrefix),
                      answering([this](const http::Request& r) { return terms_text(r); }, statuses_));
}

http::Response FollowUpApi::eligibility(const http::Request& request) {
    check_rate(eligibility_limiter_, request);
    require_json(request);
    const auto body = api_json::parse_object(request.body);
    const auto certificate = api_json::required_base64(body, "certificate", kMaxCertificateBytes);
    const auto report = follow_up_.check(bytes_of(certificate), unix_now());
    if (!report.decision.eligible()) {
        spdlog::info("api eligibility refused: {}", report.decision.refusal->id);
    }
    return http::Response::json(api_json::eligibility(report));
}

http::Response FollowUpApi::create_draft(const http::Request& request) {
    check_rate(draft_limiter_, request);
    require_json(request);
    const auto body = api_json::parse_object(request.body);
    const auto certificate = api_json::required_base64(body, "certificate", kMaxCertificateBytes);
    const auto order = body.find("order");
    if (order == body.end() || !order->is_object()) {
        throw MalformedRequest("order", "missing or not an object");
    }
    orders::OrderData data;
    try {
        data = orders::order_data_from_json(*order);
    } catch (const Error& e) {
        throw MalformedRequest("order", e.detail());
    }
    // The new card's revocation password (optional here; the pages require it): checked by the
    // same rule as on the pages, kept only as its Argon2id hash.
    std::string password_hash;
    if (const auto password = body.find("revocation_password"); password != body.end()) {
        if (!password->is_string()) {
            throw MalformedRequest("revocation_password", "not a string");
        }
        const Secret entered(password->get_ref<const std::string&>());
        if (auto problems = orders::validate_revocation_password(entered, entered);
            !problems.empty()) {
            throw orders::InvalidOrderData(std::move(problems));
        }
        password_hash = orders::hash_revocation_password(entered);
    }
    const auto draft =
        follow_up_.create_draft(bytes_of(certificate), data, unix_now(), password_hash);
    return http::Response::json(api_json::draft(draft, terms_url(draft.terms.version)), 201);
}

http::Response FollowUpApi::submit(const http::Request& request) {
    check_rate(submission_limiter_, request);
    require_json(request);
    const auto body = api_json::parse_object(request.body);
    const auto nonce = api_json::required_string(body, "nonce");
    // The document may be left out: the signature must then cover the draft's document.
    std::optional<std::string> document;
    if (body.contains("document_base64")) {
        document = api_json::required_base64(body, "document_base64", kMaxDocumentBytes);
    }
    // Oversized signatures get their own code from the verifier, so only the body limit applies.
    const auto signature =
        api_json::required_base64(body, "signature_base64", config_.policy.max_request_bytes);
    // Answered once the order is durable; meanwhile this thread serves other requests. Errors
    // of the signature and the signer's certificate are thrown here, the rest arrive later.
    auto [response, promise] = http::Response::deferred();
    follow_up_.submit_async(
        nonce, document ? std::optional<std::string_view>(*document) : std::nullopt,
        bytes_of(signature), unix_now(),
        [promise = promise, this](std::optional<orders::SubmittedOrder> order,
                                  std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const orders::EligibilityRefused& e) {
                    promise->fulfil(refusal_answer(e, statuses_, true));  // signed by the card
                } catch (...) {
                    promise->fail(error);
                }
                return;
            }
            json answer = {
                {"order_number", order->order_number},
                {"state", orders::to_string(order->state)},
                {"created_at", api_json::timestamp(order->created_at)},
                {"already_submitted", order->already_submitted},
                {"confirmation_url",
                 fmt::format("{}{}{}", kOrdersPrefix, order->order_number, kConfirmationSuffix)}};
            promise->fulfil(http::Response::json(answer, order->already_submitted ? 200 : 201));
        });
    return std::move(response);
}

http::Response FollowUpApi::order_resource(const http::Request& request) {
    check_rate(status_limiter_, request);
    std::string_view rest = request.path_remainder;
    const bool wants_pdf = rest.ends_with(kConfirmationSuffix);
    if (wants_pdf) {
        rest.remove_suffix(kConfirmationSuffix.size());
    }
    const auto number = decoded_token(rest);
    if (!number) {
        throw http::HttpError(orders::errors::not_found, 404, "not an order number");
    }
    const auto email = required_query(request, "email");
    const auto order = book_.find_for_holder(*number, email);
    if (!order) {
        throw http::HttpError(orders::errors::not_found, 404);
    }
    return wants_pdf ? confirmation(*order, request) : order_status(*order);
}

http::Response FollowUpApi::order_status(const orders::OrderRecord& order) const {
    return http::Response::json(api_json::order_status(order));
}

http::Response FollowUpApi::confirmation(const orders::OrderRecord& order, const http::Request& request) const {
    const auto lang = request.query.find("lang").value_or("de");
    if (lang != "de" && lang != "en") {
        throw MalformedRequest("lang", "neither de nor en");
    }
    return confirmation_response(
        confirmations_, order,
        lang == "en" ? documents::Language::english : documents::Language::german);
}

http::Response FollowUpApi::current_terms(const http::Request&) const {
    const auto terms = terms_.in_force(unix_now());
    if (!terms) {
        throw Error(orders::errors::terms_unknown);
    }
    return http::Response::json({{"version", terms->version},
                           {"sha256", terms->sha256},
                           {"valid_from", api_json::timestamp(terms->valid_from)},
                           {"url", terms_url(terms->version)},
                           {"text", terms->text}});
}

http::Response FollowUpApi::terms_text(const http::Request& request) const {
    const auto version = decoded_token(request.path_remainder);
    const auto terms = version ? terms_.find(*version) : std::nullopt;
    if (!terms) {
        throw http::HttpError(errors::terms_version_not_found, 404);
    }
    auto response = http::Response::text(terms->text);
    // A published version never changes: its text may be cached.
    response.headers.set("Cache-Control", "public, max-age=86400");
    return response;
}

std::string FollowUpApi::terms_url(const std::string& version) const {
    auto base = config_.urls.portal;
    while (base.ends_with('/')) {
        base.pop_back();
    }
    return fmt::format("{}{}{}", base, kTermsPrefix, version);
}

}  // namespace sigcard::portal
