// Steps 3–6 of the follow-up wizard: the order data, the review of the exact document, the
// signature through the card agent and the confirmation.
#include "common/clock.hpp"
#include "documents/order_confirmation.hpp"
#include "encoding/encoding.hpp"
#include "http/security_headers.hpp"
#include "orders/order_errors.hpp"
#include "orders/price.hpp"
#include "orders/revocation_password.hpp"
#include "portal/confirmation_response.hpp"
#include "portal/pages/follow_up_wizard.hpp"
#include "portal/pages/order_form.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sigcard::portal::pages {

namespace {

// Longest time a signing request handed to the agent stays valid (the agent allows 900 s).
constexpr std::int64_t signing_request_lifetime = 600;

const ErrorCode signature_missing{
    "page.signature_missing",
    "Es ist keine Signatur angekommen. Bitte signieren Sie den Auftrag mit Ihrer Karte.",
    "No signature arrived. Please sign the order with your card."};


// With "billing = shipping" the billing address errors repeat the shipping ones: shown once.
std::vector<orders::FieldError> visible_errors(std::vector<orders::FieldError> errors,
                                               bool billing_same) {
    if (billing_same) {
        std::erase_if(errors, [](const orders::FieldError& e) {
            return e.field.starts_with("billing.") && e.field != "billing.vat_id";
        });
    }
    return errors;
}

}  // namespace

std::string agent_page_csp(const std::string& agent_url) {
    return http::SecurityHeaders{}.content_security_policy +
           fmt::format("; connect-src 'self' {}", agent_url);
}

http::Response FollowUpWizard::render_order_form(PageRequest& page, const OrderForm& form,
                                           const std::vector<orders::FieldError>& errors,
                                           int status, const ErrorCode* problem) const {
    auto values = order_form_values(page, form, errors);
    if (problem != nullptr) {
        values.set("problem", std::string(page.text(*problem)));
        values.set("problem_code", std::string(problem->id));
    }
    values.set("title", std::string(page.text("Folgeauftrag: Ihre Angaben",
                                              "Follow-up order: your details")));
    values.set("price", follow_up_price_text(page));
    // A pseudonym is no name to ship to: the form says why the name field is empty.
    if (const auto& report = page.session->wizard.report;
        report && report->holder.name.ends_with(":PN")) {
        values.set("pseudonym", report->holder.name);
    }
    if (const auto terms = terms_.in_force(unix_now())) {
        values.set("terms_version", terms->version);
    } else {
        values.set("terms_missing", std::string(page.text(orders::errors::terms_unknown)));
    }
    return context_.support.render(page, "order_form", std::move(values), status);
}

http::Response FollowUpWizard::order_form(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    if (!wizard.report || !wizard.report->decision.eligible() || !wizard.declared_unchanged) {
        return http::Response::redirect("/folgeauftrag");
    }
    OrderForm form;
    if (wizard.form) {
        form = *wizard.form;
    } else if (!wizard.report->holder.name.ends_with(":PN")) {
        // A pseudonym is no name to ship to; a real name is a sensible first guess.
        form.data.shipping.name = wizard.report->holder.name;
    }
    return render_order_form(page, form, {}, 200);
}

http::Response FollowUpWizard::receive_order_data(PageRequest& page) {
    const auto posted = http::QueryParameters::parse(page.http.body);
    context_.support.require_csrf(page, posted);
    std::lock_guard lock(page.session->mutex);
    auto& wizard = page.session->wizard;
    if (!wizard.report || !wizard.report->decision.eligible() || !wizard.declared_unchanged) {
        return http::Response::redirect("/folgeauftrag");
    }
    const auto form = read_order_form(posted);
    wizard.form = form;  // kept as entered, also when wrong
    wizard.draft.reset();
    const auto data = orders::normalise(effective_order_data(form, wizard.declared_unchanged));
    auto errors = visible_errors(orders::validate(data), form.billing_same);
    const auto revocation = read_revocation_password(posted);
    for (auto& error :
         orders::validate_revocation_password(revocation.password, revocation.repeated)) {
        errors.push_back(std::move(error));
    }
    if (errors.empty()) {
        if (!draft_limiter_.allow(page.http.remote_address)) {
            throw PageRefusal(http::errors::rate_limited, 429, "drafts");
        }
        try {
            wizard.draft = context_.follow_up.create_draft(
                wizard.certificate_der, data, unix_now(),
                orders::hash_revocation_password(revocation.password));
        } catch (const orders::InvalidOrderData& e) {
            errors = visible_errors(e.fields(), form.billing_same);
        } catch (const Error& e) {
            // No terms in force, or the card's standing changed since step 2: said above the
            // form, the entries stay.
            spdlog::info("page draft refused: {}", e.id());
            return render_order_form(page, form, {}, 422, &e.code());
        }
    }
    if (!errors.empty()) {
        spdlog::info("page order data refused: {} fields", errors.size());
        return render_order_form(page, form, errors, 422);
    }
    wizard.order_email = data.contact.email;
    return http::Response::redirect("/folgeauftrag/auftrag");
}

http::Response FollowUpWizard::review(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    if (!wizard.draft && wizard.order) {
        return http::Response::redirect("/folgeauftrag/bestaetigung");  // placed meanwhile (a tab)
    }
    if (!wizard.draft) {
        return http::Response::redirect(wizard.form ? "/folgeauftrag/angaben" : "/folgeauftrag");
    }
    PageValues values;
    values.set("title", std::string(page.text("Folgeauftrag: Auftrag prüfen",
                                              "Follow-up order: review your order")));
    values.set("document", wizard.draft->document);
    values.set("document_sha256", wizard.draft->document_sha256);
    values.set("terms_version", wizard.draft->terms.version);
    values.set("price", follow_up_price_text(page));
    values.set("expires_at", format_date_time(wizard.draft->expires_at, page.language));
    return context_.support.render(page, "review", std::move(values));
}

http::Response FollowUpWizard::render_signing(PageRequest& page, const ErrorCode* problem, bool redraft,
                                        int status) const {
    const auto& wizard = page.session->wizard;
    PageValues values;
    values.set("title", std::string(page.text("Folgeauftrag: mit der Karte signieren",
                                              "Follow-up order: sign with your card")));
    values.set("require_pin_pad", context_.config.policy.require_pin_pad);
    values.set("agent_url", context_.config.portal.card_agent_url);
    values.set("card_errors", card_error_list(page));
    if (problem != nullptr) {
        values.set("problem", std::string(page.text(*problem)));
        values.set("problem_code", std::string(problem->id));
    }
    values.set("redraft", redraft);
    if (!redraft) {
        const auto& draft = *wizard.draft;
        const auto signed_request = sign_for_agent(page);
        values.set("document_base64", encoding::to_base64(draft.document));
        values.set("document_sha256", draft.document_sha256);
        values.set("certificate_sha256", encoding::hex(ossl::sha256(wizard.certificate_der)));
        values.set("portal_request", signed_request.portal_request);
        values.set("portal_signature", signed_request.portal_signature);
        values.set("card_token", wizard.card_token);
    }
    auto response = context_.support.render(page, "signing", std::move(values), status);
    response.headers.set("Content-Security-Policy", agent_page_csp(context_.config.portal.card_agent_url));
    return response;
}

std::string FollowUpWizard::follow_up_price_text(const PageRequest& page) const {
    const auto& prices = context_.config.prices;
    return orders::price_text({prices.follow_up_net_cents, prices.vat_percent}, page.english());
}

SignedPortalRequest FollowUpWizard::sign_for_agent(const PageRequest& page) const {
    const auto& wizard = page.session->wizard;
    const auto& draft = *wizard.draft;
    const auto now = unix_now();
    const auto expires = std::min(draft.expires_at, now + signing_request_lifetime);
    return context_.signer.sign(configured_origin(context_.config), draft.document_sha256,
                                encoding::hex(ossl::sha256(wizard.certificate_der)), now, expires);
}

http::Response FollowUpWizard::signing(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    if (!wizard.draft) {
        return http::Response::redirect(wizard.order ? "/folgeauftrag/bestaetigung" : "/folgeauftrag");
    }
    return render_signing(page, nullptr, false, 200);
}

// For the page's script, at every "sign with card": a fresh signing request for the same
// document (after a cancel, an expiry or a reload), or where the holder stands when the order
// was placed meanwhile (another tab) or the document is gone.
http::Response FollowUpWizard::signing_request(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    // Where the holder stands, before the form token: it changes nothing, and a tab opened before
    // the order was placed (with the token of then) is led to the confirmation.
    if (!wizard.draft) {
        return http::Response::json({{"state", wizard.order ? "placed" : "no_document"},
                               {"location", wizard.order ? "/folgeauftrag/bestaetigung"
                                                         : "/folgeauftrag/angaben"}},
                              409);
    }
    context_.support.require_csrf(page, http::QueryParameters::parse(page.http.body));
    const auto signed_request = sign_for_agent(page);
    return http::Response::json({{"state", "ready"},
                           {"portal_request", signed_request.portal_request},
                           {"portal_signature", signed_request.portal_signature}});
}

http::Response FollowUpWizard::receive_signature(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    std::lock_guard lock(page.session->mutex);
    auto& wizard = page.session->wizard;
    if (!wizard.draft && wizard.order) {
        // Placed from another tab (or a double click): the order stands, shown once — also to a
        // tab whose form token is from before the order renewed the session.
        return http::Response::redirect("/folgeauftrag/bestaetigung");
    }
    context_.support.require_csrf(page, form);
    if (wizard.submitting) {
        // The same document is on its way from another tab or a double click: this request is
        // answered with where the first one ends.
        auto [response, promise] = http::Response::deferred();
        wizard.waiting.push_back(promise);
        return std::move(response);
    }
    if (!wizard.draft) {
        throw PageRefusal(page_errors::session_expired, 409, "no draft in session");
    }
    ossl::Bytes signature;
    try {
        const auto decoded =
            encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
        signature.assign(decoded.begin(), decoded.end());
    } catch (const std::exception&) {
        signature.clear();
    }
    if (signature.empty()) {
        return render_signing(page, &signature_missing, false, 400);
    }
    if (!submission_limiter_.allow(page.http.remote_address)) {
        throw PageRefusal(http::errors::rate_limited, 429, "submissions");
    }
    // Answered once the order is durable (or refused); meanwhile this thread serves other
    // requests. The answer is made later from a copy of this request.
    auto [response, promise] = http::Response::deferred();
    auto held = std::make_shared<http::Request>(page.http);
    auto answer = [this, held, promise = promise, language = page.language,
                   chosen = page.language_chosen, session = page.session](
                      std::optional<orders::SubmittedOrder> order, std::exception_ptr error) {
        PageRequest later{*held, language, session, false, chosen};
        promise->fulfil(context_.support.settle(
            later, [&](PageRequest& p) { return settle_submission(p, order, error); }));
    };
    try {
        context_.follow_up.submit_async(wizard.draft->nonce, wizard.draft->document, signature,
                                        unix_now(), std::move(answer));
    } catch (const Error& e) {
        return refused_signature(page, e);
    }
    wizard.submitting = true;
    return std::move(response);
}

// A refused signature: the signing page again with the reason. Changed terms or an expired
// nonce need a new document: back to step 3 and 4. The session's lock is held.
http::Response FollowUpWizard::refused_signature(PageRequest& page, const Error& e) const {
    spdlog::info("page signature refused: {}", e.id());
    auto& wizard = page.session->wizard;
    const bool redraft = e.id() == orders::errors::terms_outdated.id ||
                         e.id() == orders::errors::nonce_expired.id;
    if (redraft) {
        wizard.draft.reset();
    }
    return render_signing(page, &e.code(), redraft, 422);
}

// On the group commit's thread: the submission's outcome into the session, and the answers to
// the first request and to those that waited for it.
http::Response FollowUpWizard::settle_submission(PageRequest& page,
                                                 const std::optional<orders::SubmittedOrder>& order,
                                                 std::exception_ptr error) const {
    std::lock_guard lock(page.session->mutex);
    auto& wizard = page.session->wizard;
    wizard.submitting = false;
    const auto waiting = std::move(wizard.waiting);
    wizard.waiting.clear();
    if (order) {
        // The document is signed and stored: it is never offered for signing again.
        wizard.order = *order;
        wizard.draft.reset();
        context_.support.renew_session(page);  // the session now shows a placed order
        spdlog::info("page order submitted: {}", order->order_number);
    }
    const char* where = order ? "/folgeauftrag/bestaetigung" : "/folgeauftrag/signatur";
    for (const auto& other : waiting) {
        auto redirect = http::Response::redirect(where);
        if (order) {  // the same holder's session, under its renewed id
            redirect.headers.add("Set-Cookie", SessionStore::cookie_for(*page.session));
        }
        other->fulfil(std::move(redirect));
    }
    if (order) {
        return http::Response::redirect(where);
    }
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        return refused_signature(page, e);
    }
}

http::Response FollowUpWizard::confirmation(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    if (!wizard.order) {
        return http::Response::redirect("/folgeauftrag");
    }
    PageValues values;
    values.set("title", std::string(page.text("Ihr Folgeauftrag ist eingegangen",
                                              "Your follow-up order has been received")));
    values.set("order_number", wizard.order->order_number);
    if (!context_.config.mail.smtp_url.empty()) {
        values.set("mail_to", wizard.order_email);
    }
    values.set("created_at", format_date_time(wizard.order->created_at, page.language));
    return context_.support.render(page, "confirmation", std::move(values));
}

http::Response FollowUpWizard::confirmation_pdf(PageRequest& page) const {
    std::lock_guard lock(page.session->mutex);
    const auto& wizard = page.session->wizard;
    const auto record = wizard.order ? context_.book.find_for_holder(wizard.order->order_number,
                                                                       wizard.order_email)
                                     : std::nullopt;
    if (!record) {
        throw PageRefusal(page_errors::session_expired, 404, "no order in session");
    }
    return confirmation_response(
        confirmations_, *record,
        page.english() ? documents::Language::english : documents::Language::german);
}

}  // namespace sigcard::portal::pages
