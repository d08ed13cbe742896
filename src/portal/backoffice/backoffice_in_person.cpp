// The registration officer's page: an applicant identified in person — the order's values beside
// the form for the document as checked, the scans of front and back with the corners marked, the
// fields the applicant asks to black out (only those the policy allows are offered), and the two
// confirmations; then the record signed with the officer's card through the card agent. And the
// stored ID copy opened for an operator who may see it, with a reason, audited.
#include "portal/backoffice/backoffice_pages.hpp"

#include "common/clock.hpp"
#include "documents/identification_record.hpp"
#include "encoding/encoding.hpp"
#include "new_order/application.hpp"
#include "new_order/new_orders.hpp"
#include "portal/api_support.hpp"
#include "portal/pages/follow_up_wizard.hpp"
#include "portal/pages/multipart_form.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <soci/soci.h>

#include <algorithm>
#include <sstream>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRefusal;
using pages::PageRequest;
using pages::PageValues;
using operators::Role;

const ErrorCode order_unknown{"identification.order_unknown",
                              "Diesen Neuauftrag gibt es nicht.", "There is no such new order."};

// The typed or clicked corners; a page answers a bad value with 422.
std::optional<std::array<identification::Point, 4>> corners_from(std::string_view text) {
    try {
        return identification::corners_from_text(text);
    } catch (const Error& e) {
        throw PageRefusal(e.code(), 422, e.detail());
    }
}

}  // namespace

void BackofficePages::add_in_person_routes(http::Router& router) {
    router.get("/identifizierung/vor-ort",
               operator_page(&BackofficePages::in_person_form, Role::registration_officer));
    router.post("/identifizierung/vor-ort",
                operator_page(&BackofficePages::in_person_prepare, Role::registration_officer, true));
    router.post("/identifizierung/vor-ort/anfrage",
                operator_page(&BackofficePages::in_person_request, Role::registration_officer));
    router.post("/identifizierung/vor-ort/abschluss",
                operator_page(&BackofficePages::in_person_complete, Role::registration_officer));
    router.get("/identifizierung/vor-ort/fertig",
               operator_page(&BackofficePages::in_person_done, Role::registration_officer));
    router.get("/identifizierung/kopie", operator_page(&BackofficePages::id_copy_page, std::nullopt));
    router.get("/identifizierung/protokoll.pdf",
               operator_page(&BackofficePages::record_pdf, std::nullopt));
}

http::Response BackofficePages::in_person_form(PageRequest& page, const Session& session) {
    const auto number = order_parameter(page, "auftrag");
    new_order::Application application;
    const bool found = context_.db.with_session([&](soci::session& s) {
        std::string document;
        s << "SELECT a.document FROM new_order_applications a JOIN orders o ON o.id = a.order_id "
             "WHERE o.order_number = :n",
            soci::use(number), soci::into(document);
        if (s.got_data()) {
            application = new_order::application_from_json(
                nlohmann::json::parse(document).at("application"));
        }
        return s.got_data();
    });
    if (!found) {
        throw PageRefusal(order_unknown, 404, number);
    }
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Identifizierung vor Ort", "Identification in person")));
    values.set("order_number", number);
    const auto& p = application.person;
    values.set("applicant", p.given_names + " " + p.surname);
    values.set("birth_date", p.birth_date);
    values.set("ordered_type", application.id_document.type);
    values.set("ordered_number", application.id_document.number);
    values.set("ordered_authority", application.id_document.authority);
    values.set("ordered_issued_on", application.id_document.issued_on);
    values.set("ordered_expires_on", application.id_document.expires_on);
    PageValues fields{PageValues::type::list};
    for (const auto& field : context_.in_person.policy().blackout_allowed) {
        PageValues f;
        f.set("field", field);
        f.set("label", field == "eye_colour" ? std::string(page.text("Augenfarbe", "Eye colour"))
                       : field == "height"   ? std::string(page.text("Größe", "Height"))
                       : field == "can"
                           ? std::string(page.text("Zugangsnummer (CAN)", "Card access number (CAN)"))
                           : field);
        fields.push_back(f);
    }
    values.set("blackout_fields", fields);
    return render(page, "backoffice_in_person", std::move(values));
}

http::Response BackofficePages::in_person_prepare(PageRequest& page, const Session& session) {
    const auto form = pages::parse_multipart_form(page.http.headers.get("Content-Type"),
                                                  page.http.body);
    if (!form) {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "in-person form");
    }
    const auto field = [&](std::string_view name) -> std::string {
        const auto found = form->find(name);
        return found == form->end() ? std::string() : found->second;
    };
    const auto token = field("csrf_token");
    if (token.size() != session.csrf_token.size() || token.empty() ||
        CRYPTO_memcmp(token.data(), session.csrf_token.data(), token.size()) != 0) {
        throw PageRefusal(pages::page_errors::csrf_invalid, 403, "in-person form");
    }
    identification::InPersonIdentification entry;
    entry.order_number = field("order");
    entry.document = {field("document_type"), field("number"), field("authority"),
                      field("issued_on"), field("expires_on")};
    const bool passport = entry.document.type == "passport";
    entry.scans.push_back({passport ? identification::DocumentSide::passport_data_page
                                    : identification::DocumentSide::id_card_front,
                           field("front"), corners_from(field("front_corners"))});
    if (!field("back").empty()) {
        entry.scans.push_back({identification::DocumentSide::id_card_back, field("back"),
                               corners_from(field("back_corners"))});
    }
    for (const auto& allowed : context_.in_person.policy().blackout_allowed) {
        if (field("blackout_" + allowed) == "1") {
            entry.blackout.push_back(allowed);
        }
    }
    entry.document_stayed_with_applicant = field("document_stayed_with_applicant") == "1";
    entry.copy_made_in_presence = field("copy_made_in_presence") == "1";
    const auto now = unix_now();
    const auto prepared = context_.in_person.prepare(entry, session.who, now);
    context_.in_person.keep_pending(prepared, context_.data_key, now);
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Identifizierung mit Ihrer Karte signieren",
                                              "Sign the identification with your card")));
    values.set("order_number", prepared.order_number);
    values.set("record", nlohmann::json::parse(prepared.record).dump(2));
    values.set("signer_document", std::string());  // the record comes with its signing request
    values.set("request_url", "/identifizierung/vor-ort/anfrage?auftrag=" + prepared.order_number);
    values.set("certificate_sha256", session.certificate_sha256);
    values.set("card_errors", pages::card_error_list(page));
    return render(page, "backoffice_in_person_sign", std::move(values));
}

http::Response BackofficePages::in_person_request(PageRequest& page, const Session& session) {
    const auto number = order_parameter(page, "auftrag");
    const auto now = unix_now();
    const auto prepared =
        context_.in_person.pending(number, session.who.name, context_.data_key, now);
    if (!prepared) {
        return http::Response::json(
            {{"state", "no_document"}, {"location", "/identifizierung/vor-ort?auftrag=" + number}});
    }
    const auto request = context_.signer.sign(
        context_.config.urls.backoffice, encoding::hex(ossl::sha256(ossl::as_bytes(prepared->record))),
        session.certificate_sha256, now, now + 300);
    return http::Response::json({{"state", "ready"},
                                 {"document_base64", encoding::to_base64(prepared->record)},
                                 {"portal_request", request.portal_request},
                                 {"portal_signature", request.portal_signature}});
}

http::Response BackofficePages::in_person_complete(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    const auto now = unix_now();
    const auto prepared =
        context_.in_person.pending(number, session.who.name, context_.data_key, now);
    if (!prepared) {
        throw PageRefusal(identification::errors::not_awaiting_identification, 409, number);
    }
    std::string cms;
    try {
        cms = encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
    } catch (const std::exception&) {
        cms.clear();
    }
    context_.in_person.complete(*prepared, ossl::as_bytes(cms), now);
    return http::Response::redirect("/identifizierung/vor-ort/fertig?auftrag=" + number);
}

http::Response BackofficePages::in_person_done(PageRequest& page, const Session& session) {
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Identifiziert", "Identified")));
    values.set("order_number", order_parameter(page, "auftrag"));
    return render(page, "backoffice_in_person_done", std::move(values));
}

http::Response BackofficePages::record_pdf(PageRequest& page, const Session& session) {
    if (!identification::may_read_identification(session.who)) {
        throw PageRefusal(operators::errors::role_required, 403, "identification record");
    }
    const auto number = order_parameter(page, "auftrag");
    const auto record = context_.in_person.record_of(number);
    if (!record) {
        throw PageRefusal(order_unknown, 404, "no identification record");
    }
    auto response = http::Response::binary(
        documents::render_identification_record(
            *record, page.english() ? documents::Language::english : documents::Language::german),
        "application/pdf");
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response BackofficePages::id_copy_page(PageRequest& page, const Session& session) {
    const auto number = order_parameter(page, "auftrag");
    const auto side = identification::document_side_from(page.http.query.find("seite").value_or(""));
    const auto reason = std::string(page.http.query.find("grund").value_or(""));
    if (!side) {
        throw PageRefusal(order_unknown, 404, "side");
    }
    for (auto& copy : context_.in_person.read_copy(number, session.who, reason)) {
        if (copy.side == *side) {
            auto response = http::Response::binary(std::move(copy.jpeg), "image/jpeg");
            response.headers.set("Cache-Control", "no-store");
            return response;
        }
    }
    throw PageRefusal(order_unknown, 404, "no copy of that side");
}

}  // namespace sigcard::portal::backoffice
