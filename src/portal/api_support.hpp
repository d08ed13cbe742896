// What every JSON API route of the portal shares: the per-client rate check, JSON only, plain
// tokens in paths, and the answers for refusals that carry more than a code (field errors,
// eligibility refusals, malformed requests).
#pragma once

#include "follow_up/follow_up_orders.hpp"
#include "http/http_errors.hpp"
#include "http/rate_limiter.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sigcard::portal {

// Order numbers and terms versions are short printable tokens; anything else is no resource.
bool is_plain_token(std::string_view text);
std::optional<std::string> decoded_token(std::string_view encoded);

// Throws http.rate_limited (429) when the client has used up its share.
void check_rate(http::RateLimiter& limiter, const http::Request& request);

// Only JSON: a browser cannot send that cross-site without a CORS preflight, which this API never
// grants, so other sites' forms cannot drive it with a holder's cookies or address.
void require_json(const http::Request& request);

// An eligibility refusal as JSON with the status its code has; `card_proven`: the request was
// signed by the card, so the answer may name the open order.
http::Response refusal_answer(const orders::EligibilityRefused& e,
                              const http::ErrorStatusTable& statuses, bool card_proven = false);

// Wraps a handler: eligibility refusals, field errors (422, field names only in the log) and
// malformed requests answered with their details; every other Error goes to the server, which
// answers with the code and the status from `statuses`.
http::Handler answering(http::Handler handler, const http::ErrorStatusTable& statuses);

}  // namespace sigcard::portal
