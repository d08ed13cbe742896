#include "portal/api_support.hpp"

#include "follow_up/follow_up_orders.hpp"
#include "orders/order_data.hpp"
#include "portal/follow_up_api_errors.hpp"
#include "portal/follow_up_json.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace sigcard::portal {

namespace {

using nlohmann::json;

http::Response malformed_answer(const MalformedRequest& e) {
    json error = {{"code", e.id()}, {"message", api_json::message(e.code())}};
    if (!e.field().empty()) {
        error["field"] = e.field();
    }
    return http::Response::json({{"error", error}}, e.status());
}


}  // namespace

http::Response refusal_answer(const orders::EligibilityRefused& e,
                              const http::ErrorStatusTable& statuses, bool card_proven) {
    spdlog::info("api refused: {}", e.id());
    return http::Response::json(api_json::refusal(e, card_proven), statuses.status_for(e.id()));
}

bool is_plain_token(std::string_view text) {
    return !text.empty() && text.size() <= 64 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
           });
}

std::optional<std::string> decoded_token(std::string_view encoded) {
    auto decoded = http::percent_decode(encoded);
    if (!decoded || !is_plain_token(*decoded)) {
        return std::nullopt;
    }
    return decoded;
}

void check_rate(http::RateLimiter& limiter, const http::Request& request) {
    if (!limiter.allow(request.remote_address)) {
        throw http::HttpError(http::errors::rate_limited, 429);
    }
}

void require_json(const http::Request& request) {
    const auto type = request.headers.get("Content-Type");
    const auto essence = type.substr(0, type.find(';'));
    if (!http::equals_ignoring_case(essence, http::content_type::json)) {
        throw http::HttpError(errors::unsupported_media_type, 415);
    }
}

// The refusals whose answers carry more than a code; every other Error goes to the server, which
// answers with the code and the status from the ErrorStatusTable.
http::Handler answering(http::Handler handler, const http::ErrorStatusTable& statuses) {
    return [handler = std::move(handler), &statuses](const http::Request& request) {
        try {
            return handler(request);
        } catch (const orders::EligibilityRefused& e) {
            return refusal_answer(e, statuses);
        } catch (const orders::InvalidOrderData& e) {
            // Field names only: the values are the holder's personal data.
            spdlog::info("api refused {}: {} ({} fields)", request.path, e.id(), e.fields().size());
            return http::Response::json(api_json::invalid_input(e), 422);
        } catch (const MalformedRequest& e) {
            spdlog::info("api refused {}: {} field '{}': {}", request.path, e.id(), e.field(),
                         e.detail());
            return malformed_answer(e);
        }
    };
}


}  // namespace sigcard::portal
