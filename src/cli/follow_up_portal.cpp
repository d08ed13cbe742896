#include "cli/follow_up_portal.hpp"

#include <openssl/crypto.h>

#include "common/error.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "storage/database.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

namespace sigcard::cli {

namespace {

inline constexpr ErrorCode unexpected_answer{
    "portal.unexpected_answer",
    "Das Portal hat unerwartet geantwortet. Bitte versuchen Sie es später erneut oder wenden Sie "
    "sich an das Trust Center.",
    "The portal gave an unexpected answer. Please try again later or contact the trust center."};
inline constexpr ErrorCode document_unreadable{
    "portal.document_unreadable",
    "Das Auftragsdokument des Portals enthält Zeichen, die man nicht lesen kann (z. B. "
    "Steuerzeichen oder Richtungswechsel); es wird weder angezeigt noch signiert.",
    "The portal's order document holds characters no one can read (e.g. control characters or "
    "direction changes); it is neither shown nor signed."};
inline constexpr ErrorCode document_altered{
    "portal.document_inconsistent",
    "Das Auftragsdokument des Portals ist in sich nicht stimmig (Prüfsumme); es wird nicht "
    "signiert.",
    "The portal's order document is inconsistent (checksum); it will not be signed."};

std::string base64(std::span<const std::uint8_t> bytes) {
    return encoding::to_base64(bytes.data(), bytes.size());
}

std::string text_field(const nlohmann::json& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_string()) {
        return object[key].get<std::string>();
    }
    if (object.is_object() && object.contains(key) && object[key].is_number()) {
        return object[key].dump();
    }
    return {};
}

nlohmann::json parse(const http::ClientResponse& response) {
    auto json = nlohmann::json::parse(response.body, nullptr, false);
    if (json.is_discarded()) {
        throw Error(unexpected_answer, fmt::format("HTTP {} without JSON", response.status));
    }
    return json;
}

[[noreturn]] void refuse(int status, const nlohmann::json& body) {
    const auto& error = body.is_object() && body.contains("error") ? body["error"] : body;
    const auto code = text_field(error, "code");
    if (code.empty()) {
        throw Error(unexpected_answer, fmt::format("HTTP {}: {}", status, body.dump()));
    }
    throw PortalRefusal(status, code, error.value("message", nlohmann::json::object()), error);
}

// What the holder sees and what is signed must be the same bytes, and match the stated hash.
PortalDraft draft_from(const nlohmann::json& j) {
    PortalDraft d;
    d.nonce = text_field(j, "nonce");
    d.document_sha256 = text_field(j, "document_sha256");
    d.expires_at = text_field(j, "expires_at");
    std::string decoded;
    try {
        decoded = encoding::from_base64(text_field(j, "document_base64"));
    } catch (const std::invalid_argument& e) {
        throw Error(document_altered, e.what());
    }
    const auto shown = text_field(j, "document");
    if (d.nonce.empty() || decoded.empty() || (!shown.empty() && shown != decoded) ||
        encoding::hex(ossl::sha256(ossl::as_bytes(decoded))) != d.document_sha256) {
        throw Error(document_altered, "document, document_base64 and document_sha256 disagree");
    }
    // Refused before it is shown: what the terminal shows must be exactly what is signed.
    if (const auto bad = text::first_unreadable(decoded, text::Lines::multiple)) {
        throw Error(document_unreadable, fmt::format("at byte {}", bad->offset));
    }
    d.document = std::move(decoded);
    const auto terms = j.value("terms", nlohmann::json::object());
    d.terms_version = text_field(terms, "version");
    d.terms_sha256 = text_field(terms, "sha256");
    d.terms_url = text_field(terms, "url");
    return d;
}

}  // namespace

PortalRefusal::PortalRefusal(int status, std::string code, nlohmann::json message,
                             nlohmann::json body)
    : std::runtime_error(code),
      status_(status),
      code_(std::move(code)),
      message_(std::move(message)),
      body_(std::move(body)) {}

std::string url_encoded(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

FollowUpPortal::FollowUpPortal(std::string base_url, std::optional<std::filesystem::path> ca_file)
    : base_url_(std::move(base_url)), client_([&] {
          http::ClientConfig config;
          config.ca_file = std::move(ca_file);
          // Drafts and submissions check revocation live; give them more than a page load.
          config.timeout = std::chrono::seconds(30);
          config.user_agent = "SigCard terminal client";
          return config;
      }()) {
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

// Only the portal's own addresses: an absolute URL from an answer (the confirmation's) must lie
// under the portal's URL — the terminal never sends the holder's email to another host.
std::string FollowUpPortal::url(const std::string& path_or_url) const {
    if (path_or_url.find("://") != std::string::npos) {
        if (!path_or_url.starts_with(base_url_ + "/")) {
            throw Error(unexpected_answer, "address outside the portal: " + path_or_url);
        }
        return path_or_url;
    }
    return base_url_ + (path_or_url.starts_with('/') ? "" : "/") + path_or_url;
}

nlohmann::json FollowUpPortal::post_json(const std::string& path, const nlohmann::json& body,
                                         std::initializer_list<int> accepted, int* status) {
    const auto response = client_.post(url(path), body.dump(), "application/json");
    auto json = parse(response);
    if (status != nullptr) {
        *status = response.status;
    }
    for (int ok : accepted) {
        if (response.status == ok) {
            return json;
        }
    }
    refuse(response.status, json);
}

nlohmann::json FollowUpPortal::eligibility(std::span<const std::uint8_t> certificate_der) {
    return post_json("/api/v1/follow-up/eligibility", {{"certificate", base64(certificate_der)}},
                     {200});
}

nlohmann::json FollowUpPortal::current_terms() {
    const auto response = client_.get(url("/api/v1/terms/current"));
    auto json = parse(response);
    if (response.status != 200) {
        refuse(response.status, json);
    }
    return json;
}

DraftAnswer FollowUpPortal::create_draft(std::span<const std::uint8_t> certificate_der,
                                         const orders::OrderData& data,
                                         const Secret* revocation_password) {
    int status = 0;
    nlohmann::json body{{"certificate", base64(certificate_der)}, {"order", data}};
    if (revocation_password != nullptr) {
        body["revocation_password"] = std::string(revocation_password->view());
    }
    const auto json = post_json("/api/v1/follow-up/drafts", body, {200, 201, 422}, &status);
    if (body.contains("revocation_password")) {
        auto& text = body["revocation_password"].get_ref<std::string&>();
        OPENSSL_cleanse(text.data(), text.size());
    }
    DraftAnswer answer;
    if (status != 422) {
        answer.draft = draft_from(json);
        return answer;
    }
    const auto error = json.value("error", nlohmann::json::object());
    const auto fields = error.value("fields", nlohmann::json::array());
    if (!fields.is_array() || fields.empty()) {
        refuse(status, json);  // refused as a whole (e.g. no longer eligible)
    }
    answer.message = error.value("message", nlohmann::json::object());
    for (const auto& f : fields) {
        answer.field_errors.push_back(
            {text_field(f, "field"), text_field(f, "code"), f.value("message", nlohmann::json{})});
    }
    return answer;
}

PlacedOrder FollowUpPortal::submit(const PortalDraft& draft,
                                   std::span<const std::uint8_t> signature_der) {
    // The portal keeps the draft's document: the signature alone says it was signed.
    const auto json = post_json("/api/v1/follow-up/orders",
                                {{"nonce", draft.nonce}, {"signature_base64", base64(signature_der)}},
                                {200, 201});
    PlacedOrder order{text_field(json, "order_number"), text_field(json, "state"),
                      text_field(json, "confirmation_url")};
    if (order.order_number.empty()) {
        throw Error(unexpected_answer, "no order_number: " + json.dump());
    }
    return order;
}

std::string FollowUpPortal::confirmation_pdf(const PlacedOrder& order, const std::string& email,
                                             const std::string& language) {
    std::string target =
        order.confirmation_url.empty()
            ? fmt::format("/api/v1/orders/{}/confirmation.pdf", url_encoded(order.order_number))
            : order.confirmation_url;
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"email", email},
                                     std::pair<std::string, std::string>{"lang", language}}) {
        if (target.find(key + "=") == std::string::npos) {
            target += fmt::format("{}{}={}", target.find('?') == std::string::npos ? '?' : '&', key,
                                  url_encoded(value));
        }
    }
    const auto response = client_.get(url(target));
    if (response.status != 200) {
        refuse(response.status, nlohmann::json::parse(response.body, nullptr, false));
    }
    return response.body;
}

}  // namespace sigcard::cli
