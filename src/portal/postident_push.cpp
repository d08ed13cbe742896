#include "portal/postident_push.hpp"

#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"
#include "portal/api_support.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

namespace sigcard::portal {

std::string push_signature(std::string_view secret_hex, std::string_view body) {
    const auto key = encoding::from_hex(secret_hex);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
    return "sha256=" + encoding::hex(std::span<const std::uint8_t>(mac, length));
}

void PostIdentPush::add_routes(http::Router& router) {
    static http::ErrorStatusTable statuses = [] {
        http::ErrorStatusTable table;
        table.set("postident.push_unauthorized", 401);
        table.set("postident.", 422);
        return table;
    }();
    router.post(std::string(kPostIdentPushPath),
                answering([this](const http::Request& r) { return receive(r); }, statuses));
}

http::Response PostIdentPush::receive(const http::Request& request) {
    const auto& secret = config_.postident.push_secret;
    const auto given = request.headers.get("X-SigCard-Signature");
    const auto expected = secret.empty() ? std::string() : push_signature(secret, request.body);
    if (secret.empty() || given.size() != expected.size() ||
        CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
        spdlog::warn("PostIdent push refused: {}", given.empty() ? "no signature" : "wrong signature");
        throw http::HttpError(errors::push_unauthorized, 401);
    }
    require_json(request);
    std::vector<identification::ImportedResult> report;
    try {
        report = results_.import({{"push", request.body}}, unix_now());
    } catch (const Error& e) {
        if (e.id() != identification::errors::malformed_result.id) {
            throw;
        }
        // The sender learns which field is at fault (a path in its own document, no value).
        nlohmann::json body = nlohmann::json::parse(http::error_body(e.code()));
        body["error"]["field"] = e.detail().substr(e.detail().find(": ") + 2);
        return http::Response::json(body, 422);
    }
    const auto& r = report.front();
    return http::Response::json(nlohmann::json{{"case_id", r.case_id},
                                               {"reference", r.reference},
                                               {"outcome", identification::to_string(r.outcome)},
                                               {"reasons", r.reasons}});
}

}  // namespace sigcard::portal
