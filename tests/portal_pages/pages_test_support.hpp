// The pages' test fixture: a test trust center (software keys, SQLite, published terms), the
// follow-up order service over it, the holder pages on a real HttpServer on 127.0.0.1, and a
// small browser that keeps cookies and reads the CSRF token out of forms.
#pragma once

#include "core/follow_up_fixture.hpp"
#include "encoding/encoding.hpp"

#include "cards/card_register.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/terms.hpp"
#include "pki/revocation.hpp"
#include "http/http_client.hpp"
#include "http/http_server.hpp"
#include "portal/pages/holder_pages.hpp"
#include "portal/pages/order_form.hpp"
#include "signature/cades.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <string>

namespace sigcard::portal::pages::testing {

constexpr std::int64_t day = 86400;

inline bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Form encoding of one value.
inline std::string form_encode(std::string_view text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

inline std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        body += (body.empty() ? "" : "&") + form_encode(name) + "=" + form_encode(value);
    }
    return body;
}

// A holder's browser: cookies from Set-Cookie, the CSRF token from the last page.
class Browser {
public:
    explicit Browser(std::string base) : base_(std::move(base)) {}

    http::ClientResponse get(const std::string& path) {
        return remember(client_.get(base_ + path, headers()));
    }
    http::ClientResponse post(const std::string& path, std::string body,
                        std::string_view type = "application/x-www-form-urlencoded") {
        return remember(client_.post(base_ + path, std::move(body), type, headers()));
    }
    // Posts the fields with this session's CSRF token.
    http::ClientResponse submit(const std::string& path,
                          std::vector<std::pair<std::string, std::string>> fields) {
        fields.emplace_back("csrf_token", csrf_);
        return post(path, form(fields));
    }

    const std::string& csrf() const { return csrf_; }
    // The browser's language setting, sent as Accept-Language with every request.
    std::string accept_language;
    std::map<std::string, std::string>& cookies() { return cookies_; }
    std::vector<std::string> set_cookies;  // every Set-Cookie value received

private:
    http::Headers headers() const {
        http::Headers h;
        std::string cookie;
        for (const auto& [name, value] : cookies_) {
            cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
        }
        if (!cookie.empty()) {
            h.add("Cookie", cookie);
        }
        if (!accept_language.empty()) {
            h.add("Accept-Language", accept_language);
        }
        return h;
    }
    http::ClientResponse remember(http::ClientResponse response) {
        for (const auto& [name, value] : response.headers.fields()) {
            if (http::equals_ignoring_case(name, "Set-Cookie")) {
                set_cookies.push_back(value);
                const auto equals = value.find('=');
                const auto end = value.find(';');
                cookies_[value.substr(0, equals)] = value.substr(equals + 1, end - equals - 1);
            }
        }
        std::smatch match;
        static const std::regex token(R"re(name="csrf_token" value="([0-9a-f]+)")re");
        if (std::regex_search(response.body, match, token)) {
            csrf_ = match[1];
        }
        return response;
    }

    std::string base_;
    http::HttpClient client_;
    std::map<std::string, std::string> cookies_;
    std::string csrf_;
};

class PagesTest : public ::testing::Test {
protected:
    PagesTest() {
        config.name = "SigCard Test Trust Center";
        now = unix_now();
        terms.publish("AGB Version 1", "2026-01", now - day, "operator:test");
    }

    void SetUp() override { start_server(); }

    // With config.limits as the test set them.
    void start_server() {
        server.reset();
        pages = std::make_unique<HolderPages>(
            HolderPagesContext{config, orders, book, tc.db, tc.dir.path() / "tls", new_orders});
        http::Router router;
        add_page_routes(router, *pages);
        http::ServerConfig server_config;
        server_config.port = 0;
        server = std::make_unique<http::HttpServer>(server_config, std::move(router));
        server->start();
        base = fmt::format("http://127.0.0.1:{}", server->port());
        config.urls.portal = base;  // the portal's address as sigcard.toml names it
    }

    // A holder certificate of this trust center for `key`, registered as a card.
    ossl::X509Ptr issue_card(crypto::SoftwareSigner& key, pki::HolderProfile profile,
                             std::int64_t not_after,
                             std::optional<std::int64_t> partner = std::nullopt) {
        const pki::Validity validity{pki::Seconds(std::chrono::seconds(not_after - 1000 * day)),
                                     pki::Seconds(std::chrono::seconds(not_after))};
        auto cert = tc.ca.issue_qualified(tc.issuer(), key.public_key(), profile, validity);
        cards::CardEntry card;
        card.card_serial = "CARD-" + ossl::serial_hex(cert.get()).substr(0, 8);
        card.token_label = "Test";
        card.certificate_serial = ossl::serial_hex(cert.get());
        card.partner_id = partner;
        card.identified_at = now - 2 * 365 * day;
        card.produced_at = now - 900 * day;
        tc.db.in_transaction([&](soci::session& s) { return cards::CardRegister::add(s, card); });
        return cert;
    }

    // A follow-up order placed and signed with `key` for `cert` (a registered card).
    orders::SubmittedOrder place_order(crypto::SoftwareSigner& key, const X509* cert,
                                       const std::string& email, const std::string& name) {
        orders::OrderData data;
        data.contact = {email, "+49 221 1234567"};
        data.shipping = {name, "", "Domkloster 4", "", "50667", "Köln", "DE"};
        static_cast<orders::PostalAddress&>(data.billing) = data.shipping;
        data.name_and_attributes_unchanged = true;
        data.terms_accepted = true;
        const auto draft = orders.create_draft(ossl::to_der(cert), data, now);
        const auto signature =
            signature::create_cades(key, cert, ossl::as_bytes(draft.document));
        return orders.submit(draft.nonce, draft.document, signature, now + 5);
    }

    std::string certificate_base64(const X509* cert) {
        const auto der = ossl::to_der(cert);
        return encoding::to_base64(der.data(), der.size());
    }

    config::TrustCenterConfig config = pki::testing::test_config();
    pki::testing::TrustCenter tc{config};
    orders::TermsCatalogue terms{tc.db};
    pki::testing::FollowUpDesk desk{config, tc};
    orders::FollowUpOrders& orders = desk.orders;
    orders::OrderBook& book = desk.book;
    new_order::DataKey data_key =
        new_order::DataKey::load_or_create(tc.dir.path() / "keys" / "data.key");
    new_order::NewOrders new_orders{{config, tc.db, book, data_key}};
    std::unique_ptr<HolderPages> pages;
    std::unique_ptr<http::HttpServer> server;
    std::string base;
    std::int64_t now = 0;
};

}  // namespace sigcard::portal::pages::testing
