// The HTTP-level error codes — the one vocabulary for the API's JSON answers, the pages' HTML
// error pages and the agent — how a sigcard::Error becomes a status, and the one JSON shape
// every error answer has: {"error":{"code":…,"message":{"de":…,"en":…}}}.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace sigcard::http {

namespace errors {
extern const ErrorCode internal;  // any unexpected failure; the detail goes to the log only
extern const ErrorCode rate_limited;
extern const ErrorCode bad_request;
extern const ErrorCode not_found;
extern const ErrorCode method_not_allowed;
extern const ErrorCode body_too_large;
extern const ErrorCode headers_too_large;
extern const ErrorCode unsupported_transfer;  // e.g. Expect: 100-continue we don't do
// Client side (HttpClient).
extern const ErrorCode client_invalid_url;
extern const ErrorCode client_connect_failed;
extern const ErrorCode client_tls_failed;
extern const ErrorCode client_timeout;
extern const ErrorCode client_response_too_large;
extern const ErrorCode client_protocol_error;
// Server set-up.
extern const ErrorCode server_tls_config_invalid;
extern const ErrorCode server_bind_failed;
extern const ErrorCode server_port_in_use;  // another program listens on the address and port
}  // namespace errors

// A sigcard::Error that names its HTTP status itself, for routes that know best.
class HttpError : public Error {
public:
    HttpError(const ErrorCode& code, int status, std::string detail = {})
        : Error(code, std::move(detail)), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

// Chooses the status for an Error by its code id: an exact id wins, then the longest dotted
// prefix ("order." matches "order.terms_outdated"), else the fallback.
class ErrorStatusTable {
public:
    ErrorStatusTable();  // knows the codes above (rate_limited → 429, …)

    void set(std::string id_or_prefix, int status);
    int status_for(std::string_view id) const;
    void set_fallback(int status) { fallback_ = status; }

private:
    std::map<std::string, int, std::less<>> statuses_;
    int fallback_ = 400;  // a holder-visible Error is mostly a request the domain refused
};

// The JSON body of an error answer.
std::string error_body(const ErrorCode& code);

}  // namespace sigcard::http
