// The post office's push of PostIdent results: POST /api/v1/postident/results with one case
// document (the result API's JSON), signed with the secret shared with the post office
// (`[postident] push_secret` in sigcard.toml): header `X-SigCard-Signature: sha256=<hex HMAC-SHA-256
// of the body>`. A body sent again is the same case: nothing changes, so a replay does no harm.
// Answers 200 with what became of the case, 401 without a valid signature (and nothing read),
// 422 with the field at fault for a document that is not valid (nothing stored).
#pragma once

#include "config/trust_center_config.hpp"
#include "http/router.hpp"
#include "identification/postident_results.hpp"

namespace sigcard::portal {

inline constexpr std::string_view kPostIdentPushPath = "/api/v1/postident/results";

namespace errors {
inline constexpr ErrorCode push_unauthorized{
    "postident.push_unauthorized",
    "Die Signatur der Übermittlung fehlt oder stimmt nicht; es wurde nichts gelesen.",
    "The delivery's signature is missing or wrong; nothing was read."};
}  // namespace errors

// The header value a sender puts on `body` ("sha256=" and the HMAC in hex).
std::string push_signature(std::string_view secret_hex, std::string_view body);

class PostIdentPush {
public:
    PostIdentPush(identification::PostIdentResults& results,
                  const config::TrustCenterConfig& config)
        : results_(results), config_(config) {}

    void add_routes(http::Router& router);

private:
    http::Response receive(const http::Request& request);

    identification::PostIdentResults& results_;
    const config::TrustCenterConfig& config_;
};

}  // namespace sigcard::portal
