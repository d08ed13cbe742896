// The follow-up order API's JSON: reading request bodies strictly (a named field at fault, never
// a guess) and writing the answers documented in docs/api/openapi.yaml.
#pragma once

#include "follow_up/follow_up_orders.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sigcard::portal::api_json {

// The body as one JSON object; MalformedRequest otherwise.
nlohmann::json parse_object(const std::string& body);

// A present, non-empty string field; MalformedRequest naming `field` otherwise.
std::string required_string(const nlohmann::json& object, const char* field);

// A required field holding standard base64 (RFC 4648 §4, padded) of at most `max_bytes` decoded
// bytes. The limit is checked before decoding.
std::string required_base64(const nlohmann::json& object, const char* field, std::size_t max_bytes);

// 2026-11-24T10:15:00Z
std::string timestamp(std::int64_t unix_seconds);

nlohmann::json message(const ErrorCode& code);  // {"de": …, "en": …}

nlohmann::json eligibility(const orders::EligibilityReport& report);
// A refused draft or submission: the error with the way forward (open order, partner, window).
// `card_proven`: the request was signed by the card (a submission), so the open order's number
// may be named.
nlohmann::json refusal(const orders::EligibilityRefused& refused, bool card_proven);

nlohmann::json draft(const orders::OrderDraft& draft, const std::string& terms_url);

// Status for the holder: state and its history, without who in the back office did what.
nlohmann::json order_status(const orders::OrderRecord& order);

// The 422 answer: the error plus one entry per field.
nlohmann::json invalid_input(const orders::InvalidOrderData& error);

}  // namespace sigcard::portal::api_json
