#include "agent/portal_request.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/agent_errors.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"
#include "text/readable_text.hpp"

namespace sigcard::agent {

namespace {

using Clock = std::chrono::system_clock;
using http::HttpError;

[[noreturn]] void malformed(std::string detail) {
    throw http::HttpError(errors::request_malformed, 400, std::move(detail));
}

std::string required_string(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        malformed(fmt::format("{} missing or not a string", key));
    }
    return it->get<std::string>();
}

std::string decode_base64(const std::string& text, const char* what) {
    try {
        return encoding::from_base64(text);
    } catch (const std::exception&) {
        malformed(fmt::format("{} is not base64", what));
    }
}

Clock::time_point required_time(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) {
        malformed(fmt::format("{} missing or not Unix seconds", key));
    }
    return Clock::time_point(std::chrono::seconds(it->get<std::int64_t>()));
}

bool signature_valid(const TrustedPortal& portal, std::string_view message,
                     std::string_view signature) {
    EVP_PKEY* key = X509_get0_pubkey(portal.request_signing_certificate.get());
    ossl::EvpMdCtxPtr context(EVP_MD_CTX_new());
    if (key == nullptr || !context ||
        EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
        ossl::last_error();
        return false;
    }
    const auto sig = ossl::as_bytes(signature);
    const auto data = ossl::as_bytes(message);
    const bool valid =
        EVP_DigestVerify(context.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
    ossl::last_error();  // a bad signature leaves its reason in the queue; not ours to keep
    return valid;
}

}  // namespace

SignRequestBody parse_sign_request(std::string_view body, std::size_t max_document_size) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object()) {
        malformed("body is not a JSON object");
    }
    SignRequestBody parsed;
    parsed.document = decode_base64(required_string(json, "document_base64"), "document_base64");
    if (parsed.document.empty() || parsed.document.size() > max_document_size) {
        malformed(fmt::format("document of {} bytes", parsed.document.size()));
    }
    parsed.portal_request = required_string(json, "portal_request");
    parsed.portal_signature =
        decode_base64(required_string(json, "portal_signature"), "portal_signature");
    return parsed;
}

VerifiedPortalRequest verify_portal_request(const SignRequestBody& body,
                                            const TrustedPortal& portal, Clock::time_point now) {
    // The signature first: nothing in an unsigned request is worth reading.
    if (!signature_valid(portal, body.portal_request, body.portal_signature)) {
        throw http::HttpError(errors::request_signature_invalid, 403, "portal " + portal.origin);
    }
    const auto signed_request = nlohmann::json::parse(body.portal_request, nullptr, false);
    if (!signed_request.is_object()) {
        malformed("portal_request is not a JSON object");
    }
    VerifiedPortalRequest verified;
    verified.origin = required_string(signed_request, "origin");
    verified.nonce = required_string(signed_request, "nonce");
    const auto document_hash = required_string(signed_request, "document_sha256");
    verified.certificate_sha256 = required_string(signed_request, "certificate_sha256");
    if (verified.certificate_sha256.size() != 64 ||
        verified.certificate_sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
        malformed("certificate_sha256 is not a lower-case hex SHA-256");
    }
    const auto issued_at = required_time(signed_request, "issued_at");
    verified.expires_at = required_time(signed_request, "expires_at");

    // A request the portal signed for one of its origins must not serve another page.
    if (verified.origin != portal.origin) {
        throw http::HttpError(errors::origin_mismatch, 403,
                        verified.origin + " signed, called from " + portal.origin);
    }
    if (verified.expires_at <= issued_at ||
        verified.expires_at - issued_at > max_request_validity || issued_at > now + clock_skew) {
        throw http::HttpError(errors::request_time_invalid, 403, "issued_at/expires_at");
    }
    if (now >= verified.expires_at) {
        throw http::HttpError(errors::request_expired, 403, "portal request expired");
    }
    if (encoding::hex(ossl::sha256(ossl::as_bytes(body.document))) != document_hash) {
        throw http::HttpError(errors::document_mismatch, 422, "document_sha256 differs");
    }
    // A document the holder can read on the confirmation page is a document they know they sign:
    // the one rule of readable text, as the portal applied it to every field.
    if (!text::is_readable(body.document, text::Lines::multiple)) {
        throw http::HttpError(errors::document_not_text, 422, "document is not UTF-8 text");
    }
    return verified;
}

}  // namespace sigcard::agent
