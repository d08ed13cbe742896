// The portal's follow-up order JSON API as the holder's terminal client sees it
// (POST /api/v1/follow-up/eligibility, …/drafts, …/orders; the confirmation PDF).
#pragma once

#include "common/secret.hpp"

#include "orders/order_data.hpp"
#include "http/http_client.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace sigcard::cli {

// The portal answered with an error: its stable code and its message in both languages.
class PortalRefusal : public std::runtime_error {
public:
    PortalRefusal(int status, std::string code, nlohmann::json message, nlohmann::json body);
    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const nlohmann::json& message() const { return message_; }  // {"de": …, "en": …}
    const nlohmann::json& body() const { return body_; }        // the whole error object

private:
    int status_;
    std::string code_;
    nlohmann::json message_;
    nlohmann::json body_;
};

struct PortalFieldError {
    std::string field;  // e.g. "shipping.postal_code"
    std::string code;
    nlohmann::json message;
};

struct PortalDraft {
    std::string nonce;
    std::string document;  // the bytes to sign, as the portal rendered them
    std::string document_sha256;
    std::string terms_version;
    std::string terms_sha256;
    std::string terms_url;
    std::string expires_at;
};

// Either a draft or the fields the portal refused.
struct DraftAnswer {
    std::optional<PortalDraft> draft;
    std::vector<PortalFieldError> field_errors;
    nlohmann::json message;  // the overall message with the field errors
};

struct PlacedOrder {
    std::string order_number;
    std::string state;
    std::string confirmation_url;
};

class FollowUpPortal {
public:
    FollowUpPortal(std::string base_url, std::optional<std::filesystem::path> ca_file);

    // The eligibility answer as sent (eligible, reason, holder, partner, …).
    nlohmann::json eligibility(std::span<const std::uint8_t> certificate_der);
    DraftAnswer create_draft(std::span<const std::uint8_t> certificate_der,
                             const orders::OrderData& data,
                             const Secret* revocation_password = nullptr);
    PlacedOrder submit(const PortalDraft& draft, std::span<const std::uint8_t> signature_der);
    // The terms in force (version, sha256, url, text), to show before the holder agrees.
    nlohmann::json current_terms();
    // The confirmation PDF's bytes; the portal hands it out only with the order's email.
    std::string confirmation_pdf(const PlacedOrder& order, const std::string& email,
                                 const std::string& language);

private:
    nlohmann::json post_json(const std::string& path, const nlohmann::json& body,
                             std::initializer_list<int> accepted, int* status = nullptr);
    std::string url(const std::string& path_or_url) const;

    std::string base_url_;
    http::HttpClient client_;
};

// RFC 3986 percent-encoding of a query value.
std::string url_encoded(std::string_view value);

}  // namespace sigcard::cli
