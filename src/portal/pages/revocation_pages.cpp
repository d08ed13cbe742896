// Revocation by the holder (/sperren): with the card itself — its certificate read through the
// agent, a revocation statement the card signs in the agent's window — or with the order number
// and the revocation password chosen with the order.
#include "portal/pages/receipt_pages.hpp"

#include "authority/revocations.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_data.hpp"
#include "portal/pages/follow_up_wizard.hpp"

#include <spdlog/spdlog.h>

namespace sigcard::portal::pages {

namespace {

const ErrorCode revoke_unconfirmed{
    "revocation.not_confirmed",
    "Bitte bestätigen Sie, dass das Zertifikat endgültig gesperrt werden soll.",
    "Please confirm that the certificate is to be revoked for good."};

const ErrorCode read_card_first{
    "revocation.read_card_first",
    "Bitte lesen Sie zuerst die Karte aus, deren Zertifikat gesperrt werden soll.",
    "Please first read the card whose certificate is to be revoked."};

int status_of(const Error& e) {
    const auto id = e.id();
    return id == "revocation.locked"                                           ? 423
           : id == "pki.already_revoked" || id == "revocation.no_certificate" ? 409
                                                                               : 422;
}

}  // namespace

http::Response ReceiptPages::revoke_form(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Zertifikat sperren", "Revoke a certificate")));
    values.set("agent_url", config_.portal.card_agent_url);
    values.set("card_errors", card_error_list(page));
    values.set("reader_revocation", true);
    values.set("reader_action", std::string("/sperren/karte"));
    auto response = support_.render(page, "revoke", std::move(values));
    response.headers.set("Content-Security-Policy", agent_page_csp(config_.portal.card_agent_url));
    return response;
}

http::Response ReceiptPages::revoke(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    if (form.find("confirm") != "1") {
        throw PageRefusal(revoke_unconfirmed, 422, "revocation not confirmed");
    }
    const auto number = orders::trimmed(std::string(form.find("order_number").value_or("")));
    authority::Revoked revoked;
    try {
        revoked = authority::revoke_by_holder(
            desk_, number, Secret(form.find("revocation_password").value_or("")), unix_now());
    } catch (const Error& e) {
        // Whether an order number exists is not told apart from a wrong password.
        throw PageRefusal(e.id() == "order.unknown" ? authority::errors::revocation_password_wrong
                                                    : e.code(),
                          status_of(e), e.detail());
    }
    return revoked_page(page, revoked.order_number, revoked.certificate_serial);
}

http::Response ReceiptPages::receive_revoke_certificate(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    std::string der;
    try {
        der = encoding::from_base64(std::string(form.find("certificate_base64").value_or("")));
    } catch (const std::exception&) {
        der.clear();
    }
    try {
        // Checked now, so the holder hears at once when this card cannot be revoked here.
        authority::revocation_statement(desk_, ossl::as_bytes(der), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), status_of(e), e.detail());
    }
    {
        std::lock_guard lock(page.session->mutex);
        page.session->looked_up.revoke_certificate_der = der;
        page.session->looked_up.revoke_issued_at = 0;
    }
    return http::Response::redirect("/sperren/karte");
}

http::Response ReceiptPages::revoke_card_form(PageRequest& page) const {
    std::string der;
    {
        std::lock_guard lock(page.session->mutex);
        der = page.session->looked_up.revoke_certificate_der;
    }
    if (der.empty()) {
        return http::Response::redirect("/sperren");
    }
    authority::RevocationStatement statement;
    try {
        statement = authority::revocation_statement(desk_, ossl::as_bytes(der), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), status_of(e), e.detail());
    }
    PageValues values;
    values.set("title", std::string(page.text("Zertifikat mit der Karte sperren",
                                              "Revoke the certificate with the card")));
    values.set("holder_name", statement.holder_name);
    values.set("certificate_serial", statement.certificate_serial);
    values.set("certificate_sha256", statement.certificate_sha256);
    values.set("agent_url", config_.portal.card_agent_url);
    values.set("card_errors", card_error_list(page));
    auto response = support_.render(page, "revoke_card", std::move(values));
    response.headers.set("Content-Security-Policy", agent_page_csp(config_.portal.card_agent_url));
    return response;
}

http::Response ReceiptPages::revoke_statement_request(PageRequest& page) const {
    support_.require_csrf(page, http::QueryParameters::parse(page.http.body));
    std::string der;
    {
        std::lock_guard lock(page.session->mutex);
        der = page.session->looked_up.revoke_certificate_der;
    }
    if (der.empty()) {
        throw PageRefusal(read_card_first, 409, "no card read");
    }
    const auto now = unix_now();
    authority::RevocationStatement statement;
    try {
        statement = authority::revocation_statement(desk_, ossl::as_bytes(der), now);
    } catch (const Error& e) {
        throw PageRefusal(e.code(), status_of(e), e.detail());
    }
    {
        std::lock_guard lock(page.session->mutex);
        page.session->looked_up.revoke_issued_at = statement.issued_at;
    }
    const auto request = signer_.sign(configured_origin(config_),
                                      encoding::hex(ossl::sha256(ossl::as_bytes(statement.text))),
                                      statement.certificate_sha256, now,
                                      now + authority::revocation_statement_lifetime);
    return http::Response::json({{"state", "ready"},
                                 {"document_base64", encoding::to_base64(statement.text)},
                                 {"portal_request", request.portal_request},
                                 {"portal_signature", request.portal_signature}});
}

http::Response ReceiptPages::receive_revoke_signature(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    std::string der;
    std::int64_t issued_at = 0;
    {
        std::lock_guard lock(page.session->mutex);
        der = page.session->looked_up.revoke_certificate_der;
        issued_at = page.session->looked_up.revoke_issued_at;
    }
    if (der.empty() || issued_at == 0) {
        throw PageRefusal(read_card_first, 409, "no revocation statement issued");
    }
    std::string cms;
    try {
        cms = encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
    } catch (const std::exception&) {
        cms.clear();
    }
    authority::Revoked revoked;
    try {
        revoked = authority::revoke_with_card(desk_, ossl::as_bytes(der), issued_at,
                                              ossl::as_bytes(cms), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), status_of(e), e.detail());
    }
    {
        std::lock_guard lock(page.session->mutex);
        page.session->looked_up.revoke_certificate_der.clear();
        page.session->looked_up.revoke_issued_at = 0;
    }
    return revoked_page(page, revoked.order_number, revoked.certificate_serial);
}

http::Response ReceiptPages::revoked_page(PageRequest& page, const std::string& order_number,
                                          const std::string& certificate_serial) const {
    PageValues values;
    values.set("title", std::string(page.text("Zertifikat gesperrt", "Certificate revoked")));
    values.set("order_number", order_number);
    values.set("has_order", !order_number.empty());
    values.set("certificate_serial", certificate_serial);
    return support_.render(page, "revoked", std::move(values));
}

}  // namespace sigcard::portal::pages
