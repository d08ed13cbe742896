#include "agent/portal_request.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/agent_errors.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"

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
    if (!is_readable_text(body.document)) {
        throw http::HttpError(errors::document_not_text, 422, "document is not UTF-8 text");
    }
    return verified;
}

bool is_readable_text(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code_point = 0;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return false;
            }
            ++i;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            length = 2;
            code_point = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            length = 3;
            code_point = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            length = 4;
            code_point = c & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) {
                return false;
            }
            code_point = (code_point << 6) | (next & 0x3f);
        }
        // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8; C1 controls
        // and bidirectional overrides could hide or reorder what the holder reads.
        constexpr std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < minimum[length] || (code_point >= 0xd800 && code_point <= 0xdfff) ||
            code_point > 0x10ffff || (code_point >= 0x80 && code_point <= 0x9f) ||
            (code_point >= 0x202a && code_point <= 0x202e) ||
            (code_point >= 0x2066 && code_point <= 0x2069)) {
            return false;
        }
        i += length;
    }
    return true;
}

}  // namespace sigcard::agent
