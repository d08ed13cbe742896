#include "portal/backoffice/backoffice_pages.hpp"

#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "new_order/application_fields.hpp"
#include "portal/pages/follow_up_wizard.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <map>
#include <spdlog/spdlog.h>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRefusal;
using pages::PageRequest;
using pages::PageValues;
using operators::Role;

const ErrorCode form_expired{
    "backoffice.form_expired",
    "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.",
    "The form has expired. Please reload the page."};

std::string cookie(std::string_view name, std::string_view value, std::int64_t max_age) {
    return fmt::format("{}={}; Path=/; Max-Age={}; Secure; HttpOnly; SameSite=Strict", name, value,
                       max_age);
}

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && !a.empty() &&
           CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string roles_text(const operators::Operator& who, bool english) {
    std::string text;
    for (const auto role : who.roles) {
        text += (text.empty() ? "" : ", ") + std::string(operators::role_text(role, english));
    }
    return text;
}

// A PostIdent reason or value status in the page's language.
std::string review_text(std::string_view id, bool en) {
    static const std::map<std::string_view, std::pair<std::string_view, std::string_view>> texts{
        {"billing_number", {"andere Abrechnungsnummer", "another billing number"}},
        {"suspected_fraud", {"Betrugsverdacht", "suspected fraud"}},
        {"review_pending", {"Prüfung bei der Post offen", "review pending at the post office"}},
        {"declined", {"von der Post abgelehnt", "declined by the post office"}},
        {"conflicting_results", {"widersprüchliche Ergebnisse", "conflicting results"}},
        {"values_differ", {"Angaben weichen ab", "values differ"}},
        {"id_expires_soon", {"Ausweis läuft bald ab", "ID document expires soon"}},
        {"match", {"stimmt", "match"}},
        {"change", {"geändert", "changed"}},
        {"new", {"neu", "new"}},
        {"missing", {"fehlt", "missing"}},
    };
    const auto found = texts.find(id);
    return std::string(found == texts.end() ? id : (en ? found->second.second : found->second.first));
}

// The login errors a page shows, with their HTTP status.
int login_status(std::string_view id) {
    if (id == "login.challenge_unknown" || id == "login.challenge_used" ||
        id == "login.challenge_expired") {
        return 409;
    }
    return id == "login.signature_invalid" ? 400 : 403;
}

}  // namespace

BackofficePages::BackofficePages(BackofficeContext context)
    : context_(context),
      login_(context.db, context.config.name),
      sessions_(context.db, login_),
      approvals_(context.db, context.config.name),
      queues_(context.db) {}

void BackofficePages::add_routes(http::Router& router) {
    router.get("/anmeldung", login_page(&BackofficePages::login));
    router.post("/anmeldung/karte", login_page(&BackofficePages::choose_card));
    router.post("/anmeldung/anfrage", login_page(&BackofficePages::signing_request));
    router.post("/anmeldung", login_page(&BackofficePages::sign_in));
    router.post("/abmelden", operator_page(&BackofficePages::logout, std::nullopt));
    router.get("/", operator_page(&BackofficePages::home, std::nullopt));
    router.get("/identifizierung", operator_page(&BackofficePages::review, Role::registration_officer));
    router.post("/identifizierung/entscheidung",
                operator_page(&BackofficePages::decide, Role::registration_officer));
    router.get("/mitarbeiter", operator_page(&BackofficePages::operator_list, Role::administrator));
    router.post("/mitarbeiter", operator_page(&BackofficePages::operator_add, Role::administrator));
    router.post("/mitarbeiter/entfernen",
                operator_page(&BackofficePages::operator_remove, Role::administrator));
    add_in_person_routes(router);
    add_order_routes(router);
    add_audit_routes(router);
    add_shipping_routes(router);
    add_revocation_routes(router);
}

http::Handler BackofficePages::login_page(LoginHandler handler) const {
    return context_.support.guarded([this, handler](PageRequest& page) {
        // The forms before login carry the back office's own form token (double submit).
        auto token = pages::request_cookie(page.http, form_cookie);
        const bool fresh = !token || token->size() != 32;
        page.session = pages::SessionStore::unsaved(
            fresh ? encoding::hex(ossl::random_bytes(16)) : std::move(*token));
        page.new_form_cookie = false;
        if (fresh && page.http.method != "GET") {
            throw PageRefusal(form_expired, 403, "no back-office form cookie");
        }
        auto response = (const_cast<BackofficePages*>(this)->*handler)(page);
        if (fresh) {
            response.headers.add("Set-Cookie", cookie(form_cookie, page.session->csrf_token, 3600));
        }
        return response;
    });
}

http::Handler BackofficePages::operator_page(OperatorHandler handler, std::optional<Role> role,
                                             bool multipart) {
    return context_.support.guarded([this, handler, role, multipart](PageRequest& page) {
        page.new_form_cookie = false;
        const auto id = pages::request_cookie(page.http, session_cookie);
        const auto session = id ? sessions_.find(*id, unix_now()) : std::nullopt;
        if (!session) {
            auto to_login = http::Response::redirect(std::string("/anmeldung") +
                                                     (id ? "?ende=sitzung" : ""));
            if (id) {
                to_login.headers.add("Set-Cookie", cookie(session_cookie, "", 0));
            }
            return to_login;
        }
        page.session = pages::SessionStore::unsaved(session->csrf_token);
        if (page.http.method == "POST" && !multipart) {
            const auto form = http::QueryParameters::parse(page.http.body);
            if (!same(form.find("csrf_token").value_or(""), session->csrf_token)) {
                throw PageRefusal(pages::page_errors::csrf_invalid, 403, "back-office form");
            }
        }
        if (role && !session->who.has(*role)) {
            throw PageRefusal(operators::errors::role_required, 403,
                              session->who.name + " lacks " + std::string(to_string(*role)));
        }
        if (page.http.method == "POST") {
            // An operator's step changes the queues: this instance reads the counts afresh.
            std::lock_guard lock(counts_mutex_);
            counts_.clear();
        }
        return (this->*handler)(page, *session);
    });
}

http::Response BackofficePages::render(const PageRequest& page, std::string_view name,
                                       PageValues values) const {
    values.set("backoffice", true);
    auto response = context_.support.render(page, name, std::move(values));
    response.headers.set("Content-Security-Policy",
                         pages::agent_page_csp(context_.config.portal.card_agent_url));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

PageValues BackofficePages::operator_values(const PageRequest& page,
                                            const Session& session) const {
    PageValues values;
    values.set("operator_name", session.who.display_name);
    values.set("operator_roles", roles_text(session.who, page.english()));
    values.set("watched_card", session.certificate_sha256);
    values.set("agent_url", context_.config.portal.card_agent_url);
    values.set("logged_in", true);
    values.set("is_registration_officer", session.who.has(Role::registration_officer));
    values.set("is_administrator", session.who.has(Role::administrator));
    values.set("is_approver", session.who.has(Role::approver));
    values.set("is_auditor", session.who.has(Role::auditor));
    values.set("is_production", session.who.has(Role::production));
    values.set("is_shipping", session.who.has(Role::shipping));
    values.set("is_chamber_staff", session.who.has(Role::chamber_staff));
    values.set("sees_orders", sigcard::backoffice::may_see_orders(session.who));
    return values;
}

http::Response BackofficePages::login(PageRequest& page) {
    PageValues values;
    values.set("title", std::string(page.text("Anmeldung im Backoffice", "Back-office sign-in")));
    values.set("agent_url", context_.config.portal.card_agent_url);
    values.set("card_errors", pages::card_error_list(page));
    values.set("reader_sign_in", true);
    values.set("reader_action", std::string("/anmeldung/karte"));
    const auto ended = page.http.query.find("ende");
    values.set("ended_card", ended == "karte");
    values.set("ended_session", ended == "sitzung");
    values.set("ended_logout", ended == "abgemeldet");
    return render(page, "backoffice_login", std::move(values));
}

http::Response BackofficePages::choose_card(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    if (!same(form.find("csrf_token").value_or(""), page.session->csrf_token)) {
        throw PageRefusal(pages::page_errors::csrf_invalid, 403, "back-office login form");
    }
    std::string der;
    try {
        der = encoding::from_base64(std::string(form.find("certificate_base64").value_or("")));
    } catch (const std::exception&) {
        der.clear();
    }
    operators::LoginChallenge challenge;
    try {
        challenge = login_.challenge(ossl::as_bytes(der), context_.config.urls.backoffice,
                                     unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), login_status(e.id()), e.detail());
    }
    PageValues values;
    values.set("title", std::string(page.text("Mit der Mitarbeiterkarte anmelden",
                                              "Sign in with your operator card")));
    values.set("agent_url", context_.config.portal.card_agent_url);
    values.set("certificate_sha256", challenge.certificate_sha256);
    values.set("statement", challenge.text);
    values.set("card_errors", pages::card_error_list(page));
    auto response = render(page, "backoffice_sign_in", std::move(values));
    response.headers.add("Set-Cookie", cookie(challenge_cookie, challenge.nonce,
                                              operators::challenge_lifetime));
    return response;
}

http::Response BackofficePages::signing_request(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    if (!same(form.find("csrf_token").value_or(""), page.session->csrf_token)) {
        throw PageRefusal(pages::page_errors::csrf_invalid, 403, "back-office login form");
    }
    const auto nonce = pages::request_cookie(page.http, challenge_cookie);
    const auto now = unix_now();
    const auto challenge = nonce ? login_.open_challenge(*nonce, now) : std::nullopt;
    if (!challenge) {
        return http::Response::json({{"state", "no_document"}, {"location", "/anmeldung"}});
    }
    const auto request = context_.signer.sign(
        context_.config.urls.backoffice,
        encoding::hex(ossl::sha256(ossl::as_bytes(challenge->text))),
        challenge->certificate_sha256, now, challenge->issued_at + operators::challenge_lifetime);
    return http::Response::json({{"state", "ready"},
                                 {"document_base64", encoding::to_base64(challenge->text)},
                                 {"portal_request", request.portal_request},
                                 {"portal_signature", request.portal_signature}});
}

http::Response BackofficePages::sign_in(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    if (!same(form.find("csrf_token").value_or(""), page.session->csrf_token)) {
        throw PageRefusal(pages::page_errors::csrf_invalid, 403, "back-office login form");
    }
    const auto nonce = pages::request_cookie(page.http, challenge_cookie).value_or("");
    std::string cms;
    try {
        cms = encoding::from_base64(std::string(form.find("signature_base64").value_or("")));
    } catch (const std::exception&) {
        cms.clear();
    }
    const auto now = unix_now();
    operators::Operator who;
    std::string certificate_sha256;
    try {
        const auto challenge = login_.open_challenge(nonce, now);
        certificate_sha256 = challenge ? challenge->certificate_sha256 : "";
        who = login_.sign_in(nonce, ossl::as_bytes(cms), now);
    } catch (const Error& e) {
        throw PageRefusal(e.code(), login_status(e.id()), e.detail());
    }
    const auto session = sessions_.open(who, certificate_sha256, now);
    spdlog::info("back office: operator {} signed in", who.name);
    auto response = http::Response::redirect("/");
    response.headers.add("Set-Cookie", cookie(session_cookie, session.id, 10 * 3600));
    response.headers.add("Set-Cookie", cookie(challenge_cookie, "", 0));
    return response;
}

http::Response BackofficePages::logout(PageRequest& page, const Session&) {
    const auto form = http::QueryParameters::parse(page.http.body);
    const bool card_left = form.find("grund") == "karte";
    sessions_.end(*pages::request_cookie(page.http, session_cookie),
                  card_left ? "card removed" : "logged out", unix_now());
    auto response = http::Response::redirect(card_left ? "/anmeldung?ende=karte"
                                                       : "/anmeldung?ende=abgemeldet");
    response.headers.add("Set-Cookie", cookie(session_cookie, "", 0));
    return response;
}

http::Response BackofficePages::home(PageRequest& page, const Session& session) {
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Backoffice", "Back office")));
    PageValues queues{PageValues::type::list};
    for (const auto& waiting : context_.book.waiting()) {
        PageValues q;
        q.set("party", std::string(orders::to_string(waiting.party)));
        q.set("count", std::to_string(waiting.orders));
        queues.push_back(q);
    }
    values.set("queues", queues);
    values.set("reviews", std::to_string(context_.postident.review_queue(unix_now()).size()));
    values.set("unmatched", std::to_string(context_.postident.unmatched().size()));
    return render(page, "backoffice_home", std::move(values));
}

http::Response BackofficePages::review(PageRequest& page, const Session& session) {
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Identifizierungen prüfen", "Review identifications")));
    PageValues items{PageValues::type::list};
    for (const auto& item : context_.postident.review_queue(unix_now())) {
        PageValues v;
        v.set("order_number", item.order_number);
        v.set("case_id", item.case_id);
        std::string reasons;
        for (const auto& reason : item.reasons) {
            reasons += (reasons.empty() ? "" : ", ") + review_text(reason, page.english());
        }
        v.set("reasons", reasons);
        v.set("declined", !item.declined_reason.empty());
        v.set("declined_reason", item.declined_reason);
        v.set("received", pages::format_date_time(item.received_at, page.language));
        PageValues rows{PageValues::type::list};
        for (const auto& c : item.comparisons) {
            PageValues row;
            const auto* field = new_order::application_field(c.field);
            row.set("field", field ? std::string(page.english() ? field->label_en : field->label_de)
                                   : c.field);
            row.set("field_id", c.field);
            row.set("ordered", c.ordered);
            row.set("identified", c.identified);
            row.set("status", review_text(c.status, page.english()));
            row.set("differs", !c.agrees);
            rows.push_back(row);
        }
        v.set("comparisons", rows);
        items.push_back(v);
    }
    values.set("items", items);
    values.set("empty", items.is_empty_list());
    PageValues aside{PageValues::type::list};
    for (const auto& result : context_.postident.unmatched()) {
        PageValues v;
        v.set("case_id", result.case_id);
        v.set("reference", result.reference);
        v.set("source", result.source);
        v.set("received", pages::format_date_time(result.received_at, page.language));
        aside.push_back(v);
    }
    values.set("has_unmatched", !aside.is_empty_list());
    values.set("unmatched", aside);
    return render(page, "backoffice_review", std::move(values));
}

http::Response BackofficePages::decide(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto decision = form.find("decision").value_or("");
    const auto kind = decision == "identify" ? identification::ReviewDecision::identify
                      : decision == "again"  ? identification::ReviewDecision::identify_again
                                             : identification::ReviewDecision::reject;
    if (decision != "identify" && decision != "again" && decision != "reject") {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "review decision");
    }
    context_.postident.decide(std::string(form.find("order").value_or("")), kind,
                              session.who.actor(), std::string(form.find("reason").value_or("")),
                              unix_now());
    return http::Response::redirect("/identifizierung");
}

http::Response BackofficePages::operator_list(PageRequest& page, const Session& session) {
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Mitarbeiter", "Operators")));
    PageValues list{PageValues::type::list};
    for (const auto& op : operators::OperatorRegister(context_.db).list()) {
        PageValues v;
        v.set("name", op.name);
        v.set("display_name", op.display_name);
        v.set("roles", roles_text(op, page.english()));
        v.set("chamber", op.chamber);
        v.set("certificate_serial", op.certificate_serial);
        list.push_back(v);
    }
    values.set("operators", list);
    PageValues roles{PageValues::type::list};
    for (const auto role : operators::all_roles()) {
        PageValues r;
        r.set("role", std::string(operators::to_string(role)));
        r.set("label", std::string(operators::role_text(role, page.english())));
        roles.push_back(r);
    }
    values.set("roles", roles);
    return render(page, "backoffice_operators", std::move(values));
}

http::Response BackofficePages::operator_add(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    operators::NewOperator entry;
    entry.name = std::string(form.find("name").value_or(""));
    entry.display_name = std::string(form.find("display_name").value_or(""));
    entry.certificate_serial = std::string(form.find("certificate_serial").value_or(""));
    entry.chamber = std::string(form.find("chamber").value_or(""));
    for (const auto role : operators::all_roles()) {
        if (form.find("role_" + std::string(operators::to_string(role))) == "1") {
            entry.roles.push_back(role);
        }
    }
    try {
        operators::OperatorRegister(context_.db).add(entry, session.who.actor(), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), 422, e.detail());
    }
    return http::Response::redirect("/mitarbeiter");
}

http::Response BackofficePages::operator_remove(PageRequest& page, const Session& session) {
    const auto form = http::QueryParameters::parse(page.http.body);
    try {
        operators::OperatorRegister(context_.db)
            .remove(std::string(form.find("name").value_or("")), session.who.actor(), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), e.id() == "operator.not_found" ? 404 : 409, e.detail());
    }
    return http::Response::redirect("/mitarbeiter");
}

}  // namespace sigcard::portal::backoffice
