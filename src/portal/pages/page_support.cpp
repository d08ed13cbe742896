#include "portal/pages/page_support.hpp"

#include "documents/order_confirmation_texts.hpp"
#include "http/url.hpp"

#include "http/http_errors.hpp"
#include "portal/pages/embedded_assets.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace sigcard::portal::pages {

namespace page_errors {
const ErrorCode csrf_invalid{
    "page.csrf_invalid",
    "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die Seite neu "
    "und senden Sie es erneut.",
    "The form has expired or did not come from this site. Please reload the page and send it "
    "again."};
const ErrorCode session_expired{
    "page.session_expired",
    "Ihre Sitzung ist abgelaufen. Bitte beginnen Sie den Folgeauftrag erneut.",
    "Your session has expired. Please start the follow-up order again."};
const ErrorCode form_unreadable{"page.form_unreadable", "Das Formular konnte nicht gelesen werden.",
                                "The form could not be read."};
}  // namespace page_errors

namespace {

constexpr std::string_view language_cookie = "sigcard_lang";

std::string error_title(int status, Language language) {
    const bool en = language == Language::english;
    switch (status) {
        case 403:
            return en ? "Request refused" : "Anfrage abgelehnt";
        case 404:
            return en ? "Page not found" : "Seite nicht gefunden";
        case 429:
            return en ? "Please wait a moment" : "Bitte warten Sie einen Moment";
        case 500:
            return en ? "Something went wrong" : "Ein Fehler ist aufgetreten";
        default:
            return en ? "Your request could not be completed"
                      : "Ihre Anfrage konnte nicht ausgeführt werden";
    }
}

}  // namespace

std::string render_template(std::string_view name, const PageValues& values) {
    const auto source = embedded_asset(fmt::format("templates/{}.html", name));
    if (!source) {
        throw std::logic_error(fmt::format("no page template {}", name));
    }
    kainjow::mustache::mustache tmpl{std::string(*source)};
    // Partials for every page: a labelled form field with its error (templates/field.html), and
    // what the card pages say when the browser keeps them from the agent (agent_access.html), and
    // the operator card's signing panel with its messages on the back office's signing pages.
    PageValues with_partials = values;
    for (const char* partial : {"field", "agent_access", "terms_choice", "billing_same",
                                "operator_signer", "operator_signer_messages", "card_reader",
                                "card_reader_messages"}) {
        with_partials.set(partial, kainjow::mustache::partial([partial] {
                              return std::string(
                                  embedded_asset(fmt::format("templates/{}.html", partial))
                                      .value_or(""));
                          }));
    }
    if (!tmpl.is_valid()) {
        throw std::logic_error(fmt::format("template {}: {}", name, tmpl.error_message()));
    }
    return tmpl.render(with_partials);
}

PageSupport::PageSupport(std::string trust_center_name, SessionStore& sessions, SiteLinks links)
    : trust_center_(std::move(trust_center_name)), sessions_(sessions), links_(std::move(links)) {}

std::optional<Language> preferred_language(std::string_view accept_language) {
    // "en-GB,en;q=0.9,de;q=0.8": the first of German and English with the highest weight.
    std::optional<Language> best;
    double best_weight = 0;
    while (!accept_language.empty()) {
        const auto comma = accept_language.find(',');
        auto item = accept_language.substr(0, comma);
        accept_language = comma == std::string_view::npos ? "" : accept_language.substr(comma + 1);
        const auto semicolon = item.find(';');
        auto tag = item.substr(0, semicolon);
        while (!tag.empty() && tag.front() == ' ') {
            tag.remove_prefix(1);
        }
        while (!tag.empty() && tag.back() == ' ') {
            tag.remove_suffix(1);
        }
        double weight = 1;
        if (semicolon != std::string_view::npos) {
            const auto q = item.find("q=", semicolon);
            if (q != std::string_view::npos) {
                weight = std::strtod(std::string(item.substr(q + 2)).c_str(), nullptr);
            }
        }
        const auto primary = tag.substr(0, tag.find('-'));
        std::optional<Language> language;
        if (primary.size() == 2 && (primary[0] | 0x20) == 'd' && (primary[1] | 0x20) == 'e') {
            language = Language::german;
        } else if (primary.size() == 2 && (primary[0] | 0x20) == 'e' && (primary[1] | 0x20) == 'n') {
            language = Language::english;
        }
        if (language && weight > best_weight) {
            best = language;
            best_weight = weight;
        }
    }
    return best;
}

PageRequest PageSupport::begin(const http::Request& request) const {
    PageRequest page{request, Language::german, nullptr, false, false};
    if (const auto lang = request.query.find("lang"); lang == "en" || lang == "de") {
        page.language = *lang == "en" ? Language::english : Language::german;
        page.language_chosen = true;
    } else if (const auto cookie = request_cookie(request, language_cookie);
               cookie == "en" || cookie == "de") {
        page.language = *cookie == "en" ? Language::english : Language::german;
    } else if (const auto preferred =
                   preferred_language(request.headers.get("Accept-Language"))) {
        page.language = *preferred;
    }
    page.session = sessions_.find(request);
    if (!page.session) {
        auto token = SessionStore::form_token(request);
        page.new_form_cookie = !token;
        page.session = SessionStore::unsaved(token ? std::move(*token) : SessionStore::new_form_token());
        page.unsaved_session = true;
    }
    return page;
}

http::Response PageSupport::render(const PageRequest& page, std::string_view name, PageValues values,
                             int status) const {
    const bool en = page.english();
    values.set("de", !en);
    values.set("en", en);
    values.set("lang", en ? "en" : "de");
    values.set("csrf_token", page.session->csrf_token);
    values.set("trust_center", trust_center_);
    values.set("page_id", std::string(name));
    const std::string body = render_template(name, values);

    values.set("body", body);
    values.set("switch_de", page.http.path + "?lang=de");
    values.set("switch_en", page.http.path + "?lang=en");
    if (!links_.imprint.empty()) {
        values.set("imprint_url", links_.imprint);
    }
    if (!links_.privacy.empty()) {
        values.set("privacy_url", links_.privacy);
    }
    auto response = http::Response::html(render_template("layout", values), status);
    response.headers.set("Content-Language", en ? "en" : "de");
    if (page.language_chosen) {
        response.headers.add("Set-Cookie",
                             fmt::format("{}={}; Path=/; Max-Age=31536000; Secure; SameSite=Lax",
                                         language_cookie, en ? "en" : "de"));
    }
    return response;
}

http::Response PageSupport::error_page(const PageRequest& page, const ErrorCode& code, int status) const {
    PageValues values;
    values.set("title", error_title(status, page.language));
    values.set("message", std::string(page.text(code)));
    values.set("code", std::string(code.id));
    values.set("status", std::to_string(status));
    values.set("rate_limited", status == 429);
    auto response = render(page, "error", std::move(values), status);
    if (status == 429) {
        response.headers.set("Retry-After", "60");
    }
    return response;
}

void PageSupport::require_csrf(PageRequest& page, const http::QueryParameters& form) const {
    const auto token = form.find("csrf_token");
    // A form cookie made for this very request never reached a form: any token is foreign.
    if (page.new_form_cookie || !token || !same_token(*token, page.session->csrf_token)) {
        throw PageRefusal(page_errors::csrf_invalid, 403, "csrf token missing or wrong");
    }
    if (page.unsaved_session) {
        auto session = sessions_.create(page.http.remote_address);
        if (!session) {
            throw PageRefusal(http::errors::rate_limited, 429, "new sessions");
        }
        page.session = std::move(session);
        page.unsaved_session = false;
        page.new_session = true;
    }
}

// A language chosen with ?lang= stays with the holder through a redirect: in the cookie and, for
// a browser without cookies, in the next address.
http::Response PageSupport::keep_language(const PageRequest& page, http::Response response) const {
    if (!page.language_chosen || response.status < 300 || response.status >= 400) {
        return response;
    }
    const std::string lang = page.english() ? "en" : "de";
    if (auto location = response.headers.find("Location");
        location && location->starts_with("/") && location->find("lang=") == std::string::npos) {
        const std::string moved = std::string(*location) +
                                  (location->find('?') == std::string::npos ? "?" : "&") +
                                  "lang=" + lang;
        response.headers.set("Location", moved);
    }
    response.headers.add("Set-Cookie",
                         fmt::format("{}={}; Path=/; Max-Age=31536000; Secure; SameSite=Lax",
                                     language_cookie, lang));
    return response;
}

http::Handler PageSupport::guarded(std::function<http::Response(PageRequest&)> handler) const {
    return [this, handler = std::move(handler)](const http::Request& request) {
        auto page = begin(request);
        return settle(page, handler);
    };
}

http::Response PageSupport::settle(PageRequest& page,
                                   const std::function<http::Response(PageRequest&)>& handler) const {
    auto response = answer(page, handler);
    // A new or renewed session's cookie goes with whatever the answer is: a page, a redirect or
    // an error page.
    if (page.new_session) {
        response.headers.add("Set-Cookie", SessionStore::cookie_for(*page.session));
    } else if (page.new_form_cookie) {
        response.headers.add("Set-Cookie", SessionStore::form_cookie_for(page.session->csrf_token));
    }
    return response;
}

http::Response PageSupport::answer(PageRequest& page,
                                   const std::function<http::Response(PageRequest&)>& handler) const {
    const auto& request = page.http;
    try {
        return keep_language(page, handler(page));
    } catch (const http::HttpError& e) {
        spdlog::info("page {} {} refused: {}", request.method, request.path, e.id());
        return error_page(page, e.code(), e.status());
    } catch (const Error& e) {
        spdlog::info("page {} {} refused: {}", request.method, request.path, e.id());
        return error_page(page, e.code(), 400);
    } catch (const std::exception& e) {
        // Exceptions from the core name no personal data; the holder sees a general text.
        spdlog::error("page {} {} failed: {}", request.method, request.path, e.what());
        return error_page(page, http::errors::internal, 500);
    }
}

std::string configured_origin(const config::TrustCenterConfig& config) {
    const auto url = http::Url::parse(config.urls.portal);
    std::string host = url.host;
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    http::Url origin{url.https, host, url.port, "/"};
    return std::string(url.https ? "https://" : "http://") + origin.host_header();
}

std::string format_date(std::int64_t unix_seconds, Language language) {
    const std::time_t time = unix_seconds;
    std::tm tm{};
    gmtime_r(&time, &tm);
    if (language == Language::english) {
        return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }
    return fmt::format("{:02}.{:02}.{:04}", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

std::string format_date_time(std::int64_t unix_seconds, Language language) {
    // Holders read German time with its zone, as the confirmation PDF shows it.
    return documents::received_at(unix_seconds, language == Language::english
                                                    ? documents::Language::english
                                                    : documents::Language::german);
}

}  // namespace sigcard::portal::pages
