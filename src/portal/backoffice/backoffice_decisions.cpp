// The approvers' decisions on an order — each a statement signed with the operator's card
// through the card agent, as the in-person record is (backoffice/approvals) — the stored
// decisions as evidence, and the change of an order's contact or addresses, which voids the
// approvals given so far.
#include "portal/backoffice/backoffice_pages.hpp"

#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_fields.hpp"
#include "portal/backoffice/backoffice_refusals.hpp"
#include "portal/pages/follow_up_wizard.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

namespace sigcard::portal::backoffice {

using pages::PageRefusal;
using pages::PageRequest;
using pages::PageValues;
using sigcard::backoffice::Decision;

http::Response BackofficePages::decision_prepare(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    const auto kind = form.find("decision").value_or("");
    if (kind != "approve" && kind != "reject") {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "decision");
    }
    const auto decision = kind == "approve" ? Decision::approve : Decision::reject;
    const auto statement = refusing([&] {
        return approvals_.statement(number, decision, std::string(form.find("reason").value_or("")),
                                    session.who, unix_now());
    });
    auto values = operator_values(page, session);
    values.set("title", decision == Decision::approve
                            ? std::string(page.text("Freigabe mit Ihrer Karte signieren",
                                                    "Sign the approval with your card"))
                            : std::string(page.text("Ablehnung mit Ihrer Karte signieren",
                                                    "Sign the rejection with your card")));
    values.set("order_number", number);
    values.set("statement", statement.text);
    values.set("statement_base64", encoding::to_base64(statement.text));
    values.set("signer_document", encoding::to_base64(statement.text));
    values.set("request_url", "/auftrag/entscheidung/anfrage?erklaerung=" +
                                  encoding::hex(ossl::as_bytes(statement.text)));
    values.set("certificate_sha256", session.certificate_sha256);
    values.set("card_errors", pages::card_error_list(page));
    return render(page, "backoffice_decision_sign", std::move(values));
}

http::Response BackofficePages::decision_request(PageRequest& page, const Session& session) {
    std::string text;
    try {
        text = encoding::from_hex(query_value(page, "erklaerung"));
    } catch (const std::exception&) {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "statement");
    }
    std::int64_t issued_at = 0;
    std::string number;
    try {
        const auto statement = nlohmann::json::parse(text);
        issued_at = statement.at("issued_at").get<std::int64_t>();
        number = statement.at("order").get<std::string>();
        if (statement.at("operator").get<std::string>() != session.who.name) {
            throw PageRefusal(sigcard::backoffice::errors::statement_invalid, 403, "another operator");
        }
    } catch (const nlohmann::json::exception&) {
        throw PageRefusal(sigcard::backoffice::errors::statement_invalid, 422, "statement");
    }
    const auto now = unix_now();
    const auto until = issued_at + sigcard::backoffice::decision_lifetime;
    if (until <= now) {
        return http::Response::json(
            {{"state", "no_document"}, {"location", "/auftrag?auftrag=" + number}});
    }
    const auto request = context_.signer.sign(context_.config.urls.backoffice,
                                              encoding::hex(ossl::sha256(ossl::as_bytes(text))),
                                              session.certificate_sha256, now, until);
    return http::Response::json({{"state", "ready"},
                                 {"document_base64", encoding::to_base64(text)},
                                 {"portal_request", request.portal_request},
                                 {"portal_signature", request.portal_signature}});
}

http::Response BackofficePages::decision_complete(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    std::string text;
    std::string cms;
    try {
        text = encoding::from_base64(std::string(form.find("statement_base64").value_or("")));
        cms = encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
    } catch (const std::exception&) {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "decision form");
    }
    std::string number;
    std::string kind;
    try {
        const auto statement = nlohmann::json::parse(text);
        number = statement.at("order").get<std::string>();
        kind = statement.at("decision").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        throw PageRefusal(sigcard::backoffice::errors::statement_invalid, 422, "statement");
    }
    refusing([&] { return approvals_.decide(text, ossl::as_bytes(cms), session.who, unix_now()); });
    return http::Response::redirect("/auftrag?auftrag=" + number +
                                    "&entschieden=" + kind);
}

http::Response BackofficePages::decision_file(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto id_text = query_value(page, "id");
    long long id = 0;
    try {
        id = std::stoll(id_text);
    } catch (const std::exception&) {
        throw PageRefusal(orders::errors::unknown, 404, "decision id");
    }
    std::string statement;
    std::string signature;
    const bool found = context_.db.with_session([&](soci::session& s) {
        s << "SELECT statement, signature FROM order_decisions WHERE id = :id", soci::use(id),
            soci::into(statement), soci::into(signature);
        return s.got_data();
    });
    if (!found) {
        throw PageRefusal(orders::errors::unknown, 404, "decision " + id_text);
    }
    auto response = page.http.path.ends_with(".p7s")
                        ? http::Response::binary(encoding::from_base64(signature),
                                                 "application/pkcs7-signature")
                        : http::Response::binary(statement, "application/json");
    response.headers.set("Content-Disposition",
                         fmt::format("attachment; filename=\"entscheidung-{}.{}\"", id,
                                     page.http.path.ends_with(".p7s") ? "p7s" : "json"));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response BackofficePages::change_order(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    const auto record = context_.book.find(number);
    if (!record) {
        throw PageRefusal(orders::errors::unknown, 404, number);
    }
    auto data = record->data;
    for (const auto& field : orders::order_fields()) {
        if (const auto value = form.find(field.name)) {
            field.value(data) = std::string(*value);
        }
    }
    int voided = 0;
    try {
        voided = refusing([&] {
            return approvals_.change_order_data(number, data,
                                                std::string(form.find("reason").value_or("")),
                                                session.who, unix_now());
        });
    } catch (const orders::InvalidOrderData& e) {
        return order_view(page, session, number, e.fields(), 422);
    }
    return http::Response::redirect("/auftrag?auftrag=" + number +
                                    "&geaendert=1&ungueltig=" + std::to_string(voided));
}

}  // namespace sigcard::portal::backoffice
