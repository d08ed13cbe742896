// A signing request as the portal's page hands it to the agent, and its checks: the portal
// signed {origin, document_sha256, certificate_sha256, nonce, issued_at, expires_at} with its
// request-signing key, the origin is the calling page's, the document is the one the portal
// approved (the agent hashes it itself) and the request is fresh. Only then is it shown to the
// holder, and only the card holding the certificate the portal checked (certificate_sha256)
// signs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/agent_config.hpp"

namespace sigcard::agent {

// The body of POST /v1/sign.
struct SignRequestBody {
    std::string document;          // the exact bytes to be signed (decoded from document_base64)
    std::string portal_request;    // JSON text, exactly as the portal signed it
    std::string portal_signature;  // ECDSA/SHA-256 (DER) over portal_request, decoded
};

// What the portal vouched for, after every check passed.
struct VerifiedPortalRequest {
    std::string origin;
    std::string nonce;
    std::string certificate_sha256;  // hex SHA-256 of the DER certificate whose card signs
    std::chrono::system_clock::time_point expires_at;
};

// Parses the JSON body. Throws HttpError(agent.request_malformed, 400).
SignRequestBody parse_sign_request(std::string_view body, std::size_t max_document_size);

// Largest tolerated difference between the portal's clock and the holder's.
inline constexpr std::chrono::seconds clock_skew{120};
// Longest validity a portal may give a request.
inline constexpr std::chrono::seconds max_request_validity{900};

// Runs every check for a request from the page at `origin` (already allowlisted). Throws
// HttpError with agent.request_signature_invalid, agent.request_malformed,
// agent.origin_mismatch, agent.request_expired, agent.request_time_invalid,
// agent.document_mismatch or agent.document_not_text.
VerifiedPortalRequest verify_portal_request(
    const SignRequestBody& body, const TrustedPortal& portal,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());


}  // namespace sigcard::agent
