#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"
#include "portal/pages/follow_up_wizard.hpp"

#include "smartcard/card_errors.hpp"
#include "portal/pages/multipart_form.hpp"
#include "portal/pages/order_form.hpp"
#include "storage/database.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sigcard::portal::pages {

namespace {

namespace card_errors = sigcard::smartcard::errors;

const ErrorCode certificate_missing{
    "page.certificate_missing",
    "Es wurde kein Zertifikat übermittelt. Bitte lesen Sie Ihre Karte mit dem Karten-Agenten "
    "aus oder wählen Sie die Zertifikatsdatei aus.",
    "No certificate was sent. Please read your card with the card agent or choose the "
    "certificate file."};
const ErrorCode declaration_required{
    "page.declaration_required",
    "Bitte geben Sie an, ob sich Ihr Name oder die Angaben in Ihrem Zertifikat geändert haben.",
    "Please state whether your name or the information in your certificate has changed."};

http::Response to_step(std::string_view path) {
    return http::Response::redirect(std::string(path));
}

// The certificate as DER, from the agent path (base64 field) or an uploaded file (DER or PEM).
ossl::Bytes certificate_from(PageRequest& page, const PageSupport& support,
                             std::string& card_token) {
    const auto& http = page.http;
    std::string sent;
    if (http.headers.get("Content-Type").starts_with("multipart/form-data")) {
        const auto fields = parse_multipart_form(http.headers.get("Content-Type"), http.body);
        if (!fields) {
            throw PageRefusal(page_errors::form_unreadable, 400, "multipart body");
        }
        http::QueryParameters csrf = http::QueryParameters::parse(
            "csrf_token=" + (fields->contains("csrf_token") ? fields->at("csrf_token") : ""));
        support.require_csrf(page, csrf);
        if (fields->contains("certificate")) {
            sent = fields->at("certificate");
        }
    } else {
        const auto form = http::QueryParameters::parse(http.body);
        support.require_csrf(page, form);
        try {
            sent = encoding::from_base64(std::string(form.find("certificate_base64").value_or("")));
        } catch (const std::exception&) {
            throw PageRefusal(page_errors::form_unreadable, 400, "certificate_base64");
        }
        card_token = std::string(form.find("card_token").value_or(""));
    }
    if (sent.empty()) {
        throw PageRefusal(certificate_missing, 400);
    }
    if (sent.starts_with("-----BEGIN")) {
        const auto cert = ossl::x509_from_pem(sent);
        // Unreadable PEM is handed on as it is: the eligibility check reports it as invalid.
        return cert ? ossl::to_der(cert.get()) : ossl::Bytes(sent.begin(), sent.end());
    }
    return ossl::Bytes(sent.begin(), sent.end());
}

}  // namespace

const std::vector<const ErrorCode*>& card_error_codes() {
    static const std::vector<const ErrorCode*> codes{
        &card_errors::in_use_by_other_program,
        &card_errors::no_reader,
        &card_errors::no_card,
        &card_errors::token_not_found,
        &card_errors::checked_card_missing,
        &card_errors::card_removed,
        &card_errors::pin_incorrect,
        &card_errors::pin_incorrect_count_low,
        &card_errors::pin_incorrect_final_try,
        &card_errors::pin_locked,
        &card_errors::pin_invalid,
        &card_errors::pin_pad_cancelled,
        &card_errors::pin_pad_required,
        &card_errors::not_logged_in,
        &card_errors::no_qualified_certificate,
        &card_errors::key_not_found,
        &card_errors::mechanism_not_supported,
        &card_errors::module_missing,
        &card_errors::module_not_loadable,
        &card_errors::device_error,
    };
    return codes;
}

PageValues card_help_groups(const PageRequest& page) {
    // Grouped by what the holder sees, in plain words; the code only as a reference for support.
    struct Group {
        std::string_view id, de, en;
        std::vector<const ErrorCode*> codes;
    };
    const std::vector<Group> groups{
        {"help-card-not-found", "Die Karte wird nicht gefunden", "The card is not found",
         {&card_errors::no_reader, &card_errors::no_card, &card_errors::token_not_found,
          &card_errors::checked_card_missing, &card_errors::card_removed,
          &card_errors::module_missing, &card_errors::module_not_loadable}},
        {"help-card-blocked", "Die Karte ist blockiert oder antwortet nicht",
         "The card is blocked or does not answer",
         {&card_errors::in_use_by_other_program, &card_errors::device_error}},
        {"help-pin", "Die PIN", "The PIN",
         {&card_errors::pin_incorrect, &card_errors::pin_incorrect_count_low,
          &card_errors::pin_incorrect_final_try, &card_errors::pin_locked,
          &card_errors::pin_invalid, &card_errors::not_logged_in, &card_errors::pin_pad_cancelled,
          &card_errors::pin_pad_required}},
        {"help-card-unsuitable", "Die Karte passt nicht", "The card does not fit",
         {&card_errors::no_qualified_certificate, &card_errors::key_not_found,
          &card_errors::mechanism_not_supported}},
    };
    PageValues list{PageValues::type::list};
    for (const auto& group : groups) {
        PageValues entry;
        entry.set("id", std::string(group.id));
        entry.set("title", std::string(page.text(group.de, group.en)));
        PageValues codes{PageValues::type::list};
        for (const auto* code : group.codes) {
            PageValues item;
            item.set("code", std::string(code->id));
            item.set("anchor", field_id(code->id));
            item.set("text", std::string(page.text(*code)));
            codes << item;
        }
        entry.set("errors", codes);
        list << entry;
    }
    return list;
}

PageValues card_error_list(const PageRequest& page) {
    PageValues list{PageValues::type::list};
    for (const auto* code : card_error_codes()) {
        PageValues entry;
        entry.set("code", std::string(code->id));
        entry.set("anchor", field_id(code->id));
        entry.set("text", std::string(page.text(*code)));
        list << entry;
    }
    return list;
}

FollowUpWizard::FollowUpWizard(FollowUpWizardContext context)
    : context_(context),
      terms_(context.database),
      certificates_(context.database),
      confirmations_(context.config.name, terms_, certificates_),
      eligibility_limiter_(context.config.limits.eligibility.per_second(),
                           context.config.limits.eligibility.burst),
      draft_limiter_(context.config.limits.drafts.per_second(), context.config.limits.drafts.burst),
      submission_limiter_(context.config.limits.submissions.per_second(),
                          context.config.limits.submissions.burst) {}

void FollowUpWizard::add_routes(http::Router& router) {
    const auto& support = context_.support;
    const auto page = [this, &support](http::Response (FollowUpWizard::*member)(PageRequest&) const) {
        return support.guarded([this, member](PageRequest& p) { return (this->*member)(p); });
    };
    const auto post = [this, &support](http::Response (FollowUpWizard::*member)(PageRequest&)) {
        return support.guarded([this, member](PageRequest& p) { return (this->*member)(p); });
    };
    router.get("/folgeauftrag", page(&FollowUpWizard::connect_card));
    router.post("/folgeauftrag/karte", post(&FollowUpWizard::receive_certificate));
    router.get("/folgeauftrag/berechtigung", page(&FollowUpWizard::eligibility));
    router.post("/folgeauftrag/berechtigung", page(&FollowUpWizard::declare));
    router.get("/folgeauftrag/angaben", page(&FollowUpWizard::order_form));
    router.post("/folgeauftrag/angaben", post(&FollowUpWizard::receive_order_data));
    router.get("/folgeauftrag/auftrag", page(&FollowUpWizard::review));
    router.get("/folgeauftrag/signatur", page(&FollowUpWizard::signing));
    router.post("/folgeauftrag/signatur", post(&FollowUpWizard::receive_signature));
    router.post("/folgeauftrag/signieranfrage", page(&FollowUpWizard::signing_request));
    router.get("/folgeauftrag/bestaetigung", page(&FollowUpWizard::confirmation));
    router.get("/folgeauftrag/bestaetigung.pdf", page(&FollowUpWizard::confirmation_pdf));
}

http::Response FollowUpWizard::connect_card(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Folgeauftrag: Signaturkarte verbinden",
                                              "Follow-up order: connect your card")));
    values.set("agent_url", context_.config.portal.card_agent_url);
    values.set("card_errors", card_error_list(page));
    values.set("reader_order", true);
    values.set("reader_action", std::string("/folgeauftrag/karte"));
    auto response = context_.support.render(page, "connect_card", std::move(values));
    // The page's script talks to the card agent on loopback; nothing else is allowed.
    response.headers.set("Content-Security-Policy", agent_page_csp(context_.config.portal.card_agent_url));
    return response;
}

http::Response FollowUpWizard::receive_certificate(PageRequest& page) {
    std::string card_token;
    const auto der = certificate_from(page, context_.support, card_token);
    if (!eligibility_limiter_.allow(page.http.remote_address)) {
        throw PageRefusal(http::errors::rate_limited, 429, "eligibility checks");
    }
    auto report = context_.follow_up.check(der, unix_now());
    spdlog::info("page eligibility: {}",
                 report.decision.eligible() ? "eligible" : report.decision.refusal->id);
    std::lock_guard lock(page.session->mutex);
    auto& wizard = page.session->wizard;
    wizard.restart_from_card();
    wizard.certificate_der = der;
    wizard.card_token = card_token.size() <= 64 ? card_token : "";
    wizard.report = std::move(report);
    // The session now stands for a card: a session id or form token seen before no longer does.
    context_.support.renew_session(page);
    return to_step("/folgeauftrag/berechtigung");
}

PageValues FollowUpWizard::eligibility_values(const PageRequest& page) const {
    const auto& report = *page.session->wizard.report;
    PageValues values;
    values.set("title",
               std::string(page.text("Folgeauftrag: Ihre Karte", "Follow-up order: your card")));
    values.set("holder_name", report.holder.name);
    values.set("certificate_serial", report.certificate_serial);
    if (report.not_after > 0) {
        values.set("not_after", format_date(report.not_after, page.language));
    }
    PageValues facts{PageValues::type::list};
    for (const auto& fact : report.holder.facts) {
        PageValues entry;
        entry.set("label", page.english() ? fact.label_en : fact.label_de);
        entry.set("value", fact.value);
        facts << entry;
    }
    values.set("facts", facts);
    values.set("has_facts", !report.holder.facts.empty());
    const auto& decision = report.decision;
    values.set("eligible", decision.eligible());
    if (!decision.eligible()) {
        values.set("refusal_code", std::string(decision.refusal->id));
        values.set("refusal", std::string(page.text(*decision.refusal)));
        values.set("new_order_instead", decision.new_order_instead);
    }
    if (decision.partner) {
        PageValues partner;
        partner.set("name", decision.partner->name);
        partner.set("email", decision.partner->contact_email);
        partner.set("phone", decision.partner->contact_phone);
        partner.set("website", decision.partner->website);
        // A link only to a web address: a register entry like "www.x" stays text.
        partner.set("website_link", decision.partner->website.starts_with("https://") ||
                                        decision.partner->website.starts_with("http://"));
        values.set("partner", partner);
    }
    // Only that an order is open: the certificate the page read proves nobody holds the card.
    values.set("open_order", decision.open_order_number.has_value());
    if (decision.window_opens_at) {
        values.set("window_opens_at", format_date(*decision.window_opens_at, page.language));
    }
    return values;
}

http::Response FollowUpWizard::eligibility(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    if (!page.session->wizard.report) {
        return to_step("/folgeauftrag");
    }
    return context_.support.render(page, "eligibility", eligibility_values(page));
}

http::Response FollowUpWizard::declare(PageRequest& page) const {
    const auto form = http::QueryParameters::parse(page.http.body);
    context_.support.require_csrf(page, form);
    std::lock_guard lock(page.session->mutex);
    auto& wizard = page.session->wizard;
    if (!wizard.report || !wizard.report->decision.eligible()) {
        return to_step("/folgeauftrag");
    }
    const auto declaration = form.find("declaration");
    if (declaration == "changed") {
        // R6: a changed name or attribute needs a new order with identification.
        wizard.declared_unchanged = false;
        return to_step("/neuauftrag?grund=geaendert");
    }
    if (declaration != "unchanged") {
        auto values = eligibility_values(page);
        values.set("declaration_error", std::string(page.text(declaration_required)));
        return context_.support.render(page, "eligibility", std::move(values), 422);
    }
    wizard.declared_unchanged = true;
    return to_step("/folgeauftrag/angaben");
}

}  // namespace sigcard::portal::pages
