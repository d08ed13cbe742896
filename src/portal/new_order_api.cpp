#include "portal/new_order_api.hpp"

#include "new_order/new_order_papers.hpp"

#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "new_order/new_order_errors.hpp"
#include "orders/order_errors.hpp"
#include "portal/api_support.hpp"
#include "portal/follow_up_api_errors.hpp"
#include "portal/follow_up_json.hpp"
#include "portal/new_order_json.hpp"

#include <spdlog/spdlog.h>

namespace sigcard::portal {

using nlohmann::json;

NewOrderApi::NewOrderApi(new_order::NewOrders& orders, const config::TrustCenterConfig& config)
    : orders_(orders),
      config_(config),
      submission_limiter_(config.limits.submissions.per_second(), config.limits.submissions.burst),
      document_limiter_(config.limits.status.per_second(), config.limits.status.burst) {}

void NewOrderApi::add_routes(http::Router& router) {
    static http::ErrorStatusTable statuses = [] {
        http::ErrorStatusTable table;
        set_follow_up_error_statuses(table);
        table.set("new_order.", 422);
        table.set("new_order.document_link_invalid", 404);
        table.set("new_order.not_cancellable", 409);
        return table;
    }();
    router.post(std::string(kNewOrdersPath),
                answering([this](const http::Request& r) { return submit(r); }, statuses));
    router.add_prefix("GET", std::string(kNewOrdersPath) + "/",
                      answering([this](const http::Request& r) { return document(r); }, statuses));
}

json NewOrderApi::document_links(const std::string& number) const {
    const auto base = config_.urls.portal + std::string(kNewOrdersPath) + "/" + number + "/";
    const auto key = orders_.document_secret(number);
    json links = json::object();
    for (const auto name : new_order::kDocumentNames) {
        links[std::string(name)] = base + std::string(name) + ".pdf?key=" + key;
    }
    return links;
}

http::Response NewOrderApi::submit(const http::Request& request) {
    check_rate(submission_limiter_, request);
    require_json(request);
    auto body = api_json::parse_object(request.body);
    new_order::SubmittedApplication submitted;
    submitted.uploads = take_uploads(body);
    try {
        submitted.application = new_order::application_from_json(body);
    } catch (const Error& e) {
        throw MalformedRequest("application", e.detail());
    }
    submitted.revocation_password = secret_field(body, "revocation_password");
    // The API's client checks what was typed twice itself; one value is both entries.
    submitted.revocation_password_repeat = submitted.revocation_password;
    const auto key = request.headers.get("Idempotency-Key");
    if (key.size() > 128 || !is_plain_token(key.empty() ? "-" : key)) {
        throw MalformedRequest("Idempotency-Key", "at most 128 letters, digits, '-', '_', '.'");
    }
    submitted.submission_key = key.empty() ? std::string() : "api:" + std::string(key);
    const auto placed = orders_.submit(std::move(submitted), unix_now());
    json answer{{"order_number", placed.order_number},
                {"postident_reference", placed.postident_reference},
                {"state", "awaiting_identification"},
                {"created_at", api_json::timestamp(placed.created_at)},
                {"deadline", api_json::timestamp(placed.deadline)},
                {"document_sha256", placed.document_sha256},
                {"already_submitted", placed.already_submitted},
                {"documents", document_links(placed.order_number)}};
    auto response = http::Response::json(answer, placed.already_submitted ? 200 : 201);
    response.headers.set("Location", std::string(kNewOrdersPath) + "/" + placed.order_number);
    return response;
}

http::Response NewOrderApi::document(const http::Request& request) {
    check_rate(document_limiter_, request);
    // {number}/{document}.pdf
    const std::string_view rest = request.path_remainder;
    const auto slash = rest.find('/');
    const auto number = slash == std::string_view::npos ? std::nullopt
                                                        : decoded_token(rest.substr(0, slash));
    const std::string_view file = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    const auto key = request.query.find("key");
    // One answer for every wrong link: an unknown number, a wrong or missing key, another file.
    if (!number || !file.ends_with(".pdf") || !key ||
        !orders_.document_secret_matches(*number, *key)) {
        throw http::HttpError(new_order::errors::document_link_invalid, 404);
    }
    const auto stored = orders_.find(*number);
    if (!stored) {
        throw http::HttpError(new_order::errors::document_link_invalid, 404);
    }
    const auto language = request.query.find("lang") == "en" ? documents::Language::english
                                                             : documents::Language::german;
    const auto name = file.substr(0, file.size() - 4);
    auto pdf = new_order::render_document(name, new_order::papers_of(*stored, config_, language));
    if (!pdf) {
        throw http::HttpError(new_order::errors::document_link_invalid, 404);
    }
    auto response = http::Response::binary(std::move(*pdf), "application/pdf");
    response.headers.set("Content-Disposition",
                         "inline; filename=\"" + std::string(name) + "-" + *number + ".pdf\"");
    // Personal data: never kept by a cache, never sent as Referer onward.
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace sigcard::portal
