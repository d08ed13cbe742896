// A real sigcard-agent for the tests: on an ephemeral loopback port, over a SoftHSM2 card —
// directly (a reader without PIN pad) or behind the FAKE PIN-pad reader — with a test portal
// whose request-signing key signs the signing requests as the real portal does.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "agent/agent_config.hpp"
#include "agent/card_agent.hpp"
#include "encoding/encoding.hpp"
#include "http/http_client.hpp"
#include "smartcard/softhsm_fixture.hpp"

namespace sigcard::testing {

inline const std::string portal_origin = "https://localhost:8443";

// What the portal signs; tests change fields to make it wrong.
struct PortalRequestFields {
    std::string origin = portal_origin;
    std::string document_sha256;  // empty: the hash of the document sent
    std::string certificate_sha256;  // empty: the holder card's certificate
    std::string nonce = encoding::hex(ossl::random_bytes(16));
    std::chrono::seconds issued_ago{5};
    std::chrono::seconds expires_in{120};
};

class AgentTest : public SoftHsmTest {
protected:
    enum class Reader { without_pin_pad, pin_pad };

    // Produces the holder's card, then starts the agent on the module of `reader`.
    void start_agent(Reader reader, bool require_pin_pad = false) {
        module_path_ = reader == Reader::pin_pad ? fake_reader_module() : SOFTHSM2_MODULE;
        {
            // Closed before the agent loads the module, as on a holder's PC the card was made
            // elsewhere.
            smartcard::Pkcs11Module module(module_path_);
            card_ = produce_card(module, card_label);
        }
        agent::AgentConfig config;
        config.pkcs11_module = module_path_;
        config.port = 0;
        config.require_pin_pad = require_pin_pad;
        config.portals.push_back(
            {portal_origin, ossl::x509_from_pem(ossl::to_pem(portal_cert_.get()))});
        config.portals.push_back({"https://other-portal.example",
                                  ossl::x509_from_pem(ossl::to_pem(portal_cert_.get()))});
        agent_ = std::make_unique<agent::CardAgent>(std::move(config));
        agent_->start();
    }

    std::string url(std::string_view path) const {
        return fmt::format("http://127.0.0.1:{}{}", agent_->port(), path);
    }
    std::string own_origin() const { return fmt::format("http://127.0.0.1:{}", agent_->port()); }

    static http::Headers from(std::string_view origin) {
        http::Headers headers;
        headers.set("Origin", std::string(origin));
        return headers;
    }

    http::ClientResponse get(std::string_view path,
                               const http::Headers& headers = from(portal_origin)) {
        return client_.get(url(path), headers);
    }

    // The body of POST /v1/sign as the portal's page sends it.
    std::string sign_body(const std::string& document, PortalRequestFields fields = {},
                          crypto::SoftwareSigner* portal_key = nullptr) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const nlohmann::json signed_request{
            {"origin", fields.origin},
            {"document_sha256", fields.document_sha256.empty()
                                    ? encoding::hex(ossl::sha256(ossl::as_bytes(document)))
                                    : fields.document_sha256},
            {"certificate_sha256", fields.certificate_sha256.empty()
                                       ? certificate_sha256(card_.certificate.get())
                                       : fields.certificate_sha256},
            {"nonce", fields.nonce},
            {"issued_at", now - fields.issued_ago.count()},
            {"expires_at", now - fields.issued_ago.count() + fields.expires_in.count()}};
        const std::string text = signed_request.dump();
        auto& key = portal_key != nullptr ? *portal_key : portal_key_;
        const auto signature = key.sign(crypto::DigestAlgorithm::sha256, ossl::as_bytes(text));
        return nlohmann::json{
            {"document_base64", encoding::to_base64(document)},
            {"portal_request", text},
            {"portal_signature", encoding::to_base64(signature.data(), signature.size())}}
            .dump();
    }

    http::ClientResponse post_sign(const std::string& body,
                                     std::string_view origin = portal_origin) {
        return client_.post(url("/v1/sign"), body, "application/json", from(origin));
    }

    // Starts a signing request that the agent accepts; returns its id.
    std::string open_request(const std::string& document) {
        const auto response = post_sign(sign_body(document));
        EXPECT_EQ(response.status, 201) << response.body;
        const auto json = nlohmann::json::parse(response.body);
        EXPECT_EQ(json.at("confirm_url").get<std::string>(),
                  url("/confirm/" + json.at("request_id").get<std::string>()));
        return json.at("request_id").get<std::string>();
    }

    // The confirmation page as the holder's browser opens it (a top-level navigation).
    http::ClientResponse confirmation_page(const std::string& id) {
        http::Headers headers;
        headers.set("Sec-Fetch-Mode", "navigate");
        headers.set("Sec-Fetch-Dest", "document");
        headers.set("Sec-Fetch-Site", "cross-site");
        return client_.get(url("/confirm/" + id), headers);
    }

    static std::string confirmation_token(const std::string& page) {
        std::smatch match;
        const std::regex field(R"re(name="confirmation_token" value="([0-9a-f]{64})")re");
        EXPECT_TRUE(std::regex_search(page, match, field)) << page;
        return match.size() > 1 ? match[1].str() : std::string{};
    }

    // The holder presses a button on the page (its form posts to the agent).
    http::ClientResponse confirm(const std::string& id, const std::string& form) {
        http::Headers headers;
        headers.set("Origin", own_origin());
        headers.set("Sec-Fetch-Site", "same-origin");
        return client_.post(url("/confirm/" + id), form, "application/x-www-form-urlencoded",
                            headers);
    }

    nlohmann::json state(const std::string& id) {
        const auto response = get("/v1/sign/" + id);
        EXPECT_EQ(response.status, 200) << response.body;
        return nlohmann::json::parse(response.body);
    }

    static std::string error_code(const http::ClientResponse& response) {
        const auto json = nlohmann::json::parse(response.body, nullptr, false);
        return json.is_object() && json.contains("error") ? json["error"].value("code", "")
                                                          : std::string{};
    }

    static std::string certificate_sha256(const X509* certificate) {
        return encoding::hex(ossl::sha256(ossl::to_der(certificate)));
    }

    static constexpr const char* card_label = "Holder card";
    // An order document as the portal renders it, with characters HTML must escape.
    const std::string document_ =
        "Folgeauftrag / Follow-up order\nInhaber: Erika Mustermann <b>&</b>\n"
        "Ich bestätige, dass sich mein Name nicht geändert hat.\n";

    std::string module_path_;
    ProducedCard card_;
    crypto::SoftwareSigner portal_key_ = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr portal_cert_ =
        issue_certificate(portal_key_.private_key(), "SigCard Portal request signing",
                          portal_key_.private_key(), nullptr, Usage::authentication);
    std::unique_ptr<agent::CardAgent> agent_;
    http::HttpClient client_;
};

}  // namespace sigcard::testing
