#include "portal/pages/receipt_pages.hpp"

#include "authority/order_production.hpp"
#include "orders/order_data.hpp"

#include <spdlog/spdlog.h>

#include "authority/holder_receipt.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "portal/pages/follow_up_wizard.hpp"
#include "storage/database.hpp"

namespace sigcard::portal::pages {

namespace {


const ErrorCode lookup_first{
    "page.receipt_lookup_first",
    "Bitte rufen Sie zuerst den Status Ihres Auftrags mit Auftragsnummer und E-Mail-Adresse ab.",
    "Please look up your order's status with its number and your email address first."};

std::string order_of(const PageRequest& page) {
    std::lock_guard lock(page.session->mutex);
    return page.session->looked_up.order_number;
}

}  // namespace

ReceiptPages::ReceiptPages(const config::TrustCenterConfig& config,
                           authority::TrustCenterOrders& desk, const PageSupport& support,
                           const PortalRequestSigner& signer)
    : config_(config), desk_(desk), support_(support), signer_(signer) {}

void ReceiptPages::add_routes(http::Router& router) {
    const auto page = [this](http::Response (ReceiptPages::*member)(PageRequest&) const) {
        return support_.guarded([this, member](PageRequest& p) { return (this->*member)(p); });
    };
    router.get("/empfang", page(&ReceiptPages::receipt));
    router.post("/empfang/anfrage", page(&ReceiptPages::statement_request));
    router.post("/empfang", page(&ReceiptPages::receive_signature));
    router.post("/empfang/code", page(&ReceiptPages::receive_code));
    router.get("/sperren", page(&ReceiptPages::revoke_form));
    router.post("/sperren", page(&ReceiptPages::revoke));
    router.post("/sperren/karte", page(&ReceiptPages::receive_revoke_certificate));
    router.get("/sperren/karte", page(&ReceiptPages::revoke_card_form));
    router.post("/sperren/anfrage", page(&ReceiptPages::revoke_statement_request));
    router.post("/sperren/karte/signatur", page(&ReceiptPages::receive_revoke_signature));
    router.get("/empfang/bestaetigt", page(&ReceiptPages::confirmed));
}

http::Response ReceiptPages::receipt(PageRequest& page) const {
    const auto number = order_of(page);
    if (number.empty()) {
        throw PageRefusal(lookup_first, 409, "no order looked up");
    }
    // Said before anything is signed: the order must be waiting for this confirmation.
    const auto statement = authority::receipt_statement(desk_, number, unix_now());
    PageValues values;
    values.set("title", std::string(page.text("Empfang der neuen Karte bestätigen",
                                              "Confirm receipt of the new card")));
    values.set("order_number", number);
    values.set("agent_url", config_.portal.card_agent_url);
    values.set("certificate_sha256", statement.certificate_sha256);
    values.set("card_errors", card_error_list(page));
    auto response = support_.render(page, "receipt", std::move(values));
    response.headers.set("Content-Security-Policy", agent_page_csp(config_.portal.card_agent_url));
    return response;
}

http::Response ReceiptPages::statement_request(PageRequest& page) const {
    support_.require_csrf(page, http::QueryParameters::parse(page.http.body));
    const auto number = order_of(page);
    if (number.empty()) {
        throw PageRefusal(lookup_first, 409, "no order looked up");
    }
    const auto now = unix_now();
    const auto statement = authority::receipt_statement(desk_, number, now);
    {
        std::lock_guard lock(page.session->mutex);
        page.session->looked_up.receipt_issued_at = statement.issued_at;
    }
    const auto request = signer_.sign(configured_origin(config_),
                                      encoding::hex(ossl::sha256(ossl::as_bytes(statement.text))),
                                      statement.certificate_sha256, now,
                                      now + authority::receipt_statement_lifetime);
    return http::Response::json({{"state", "ready"},
                           {"document_base64", encoding::to_base64(statement.text)},
                           {"portal_request", request.portal_request},
                           {"portal_signature", request.portal_signature}});
}

http::Response ReceiptPages::receive_signature(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    std::string number;
    std::int64_t issued_at = 0;
    {
        std::lock_guard lock(page.session->mutex);
        number = page.session->looked_up.order_number;
        issued_at = page.session->looked_up.receipt_issued_at;
    }
    if (number.empty() || issued_at == 0) {
        throw PageRefusal(lookup_first, 409, "no statement issued");
    }
    std::string cms;
    try {
        cms = encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
    } catch (const std::exception&) {
        cms.clear();
    }
    authority::confirm_receipt_signed(desk_, number, issued_at, ossl::as_bytes(cms), unix_now());
    spdlog::info("page receipt confirmed by the holder: {}", number);
    return http::Response::redirect("/empfang/bestaetigt");
}

http::Response ReceiptPages::receive_code(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    const auto number = order_of(page);
    if (number.empty()) {
        throw PageRefusal(lookup_first, 409, "no order looked up");
    }
    try {
        authority::confirm_receipt_with_code(desk_, number,
                                             Secret(form.find("code").value_or("")), unix_now());
    } catch (const Error& e) {
        const auto status = e.id() == "receipt.code_locked"    ? 423
                            : e.id() == "receipt.code_expired" ? 410
                            : e.id() == "order.not_shipped"    ? 409
                                                               : 422;
        throw PageRefusal(e.code(), status, e.detail());
    }
    spdlog::info("page receipt confirmed with the activation code: {}", number);
    return http::Response::redirect("/empfang/bestaetigt");
}

http::Response ReceiptPages::confirmed(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Ihre neue Karte ist freigeschaltet",
                                              "Your new card is activated")));
    values.set("order_number", order_of(page));
    return support_.render(page, "receipt_confirmed", std::move(values));
}

}  // namespace sigcard::portal::pages
