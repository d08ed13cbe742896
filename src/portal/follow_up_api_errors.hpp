// Errors only the follow-up order API answers with; the domain's own codes (eligibility.*,
// order.*, signature.*) come from the core and keep their ids here.
#pragma once

#include "common/error.hpp"
#include "http/http_errors.hpp"

#include <string>

namespace sigcard::portal {

namespace errors {
inline constexpr ErrorCode terms_version_not_found{
    "terms.version_not_found", "Diese Fassung der Geschäftsbedingungen gibt es nicht.",
    "This version of the terms and conditions does not exist."};
inline constexpr ErrorCode unsupported_media_type{
    "request.unsupported_media_type",
    "Die Anfrage muss JSON senden (Content-Type: application/json).",
    "The request must send JSON (Content-Type: application/json)."};
}  // namespace errors

// A request the API cannot read, naming the JSON field at fault (never its value): the client's
// developer sees which part to fix, the log and the answer stay free of personal data.
class MalformedRequest : public http::HttpError {
public:
    MalformedRequest(std::string field, std::string detail);
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

// The statuses of the domain's codes as the API documents them (docs/api/openapi.yaml).
void set_follow_up_error_statuses(http::ErrorStatusTable& table);

}  // namespace sigcard::portal
