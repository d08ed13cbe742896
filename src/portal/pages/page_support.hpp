// What every holder page shares: the language (German by default, English by ?lang=en and a
// cookie), the session and its CSRF token, rendering a template into the common layout, and the
// HTML error pages. Templates escape every value; only the rendered page body is put in raw.
#pragma once

#include "common/error.hpp"
#include "config/trust_center_config.hpp"
#include "http/http_errors.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "portal/pages/page_session.hpp"

#include <kainjow/mustache.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sigcard::portal::pages {

using PageValues = kainjow::mustache::data;

enum class Language { german, english };

// One request to a page, with its language and session. A visitor who has only looked at pages
// has an unsaved one (SessionStore::unsaved); the first form they send creates the stored one.
struct PageRequest {
    const http::Request& http;
    Language language = Language::german;
    std::shared_ptr<Session> session;
    bool new_session = false;  // new or renewed: the answer sets its cookie
    bool unsaved_session = false;  // page views only so far
    bool new_form_cookie = false;  // the unsaved session's token is new: the answer sets it
    bool language_chosen = false;  // ?lang= given: the choice is remembered in a cookie

    bool english() const { return language == Language::english; }
    // The text in the page's language.
    std::string_view text(const ErrorCode& code) const { return english() ? code.en : code.de; }
    std::string_view text(std::string_view de, std::string_view en) const {
        return english() ? en : de;
    }
};

// A refusal with its status: on a page it becomes an HTML error page with the code's text, in the
// API a JSON answer — the same class, one vocabulary.
using PageRefusal = http::HttpError;

// Refusals only pages give; rate limits, unknown addresses and internal failures are the HTTP
// library's (http/http_errors.hpp), the same words as in the API.
namespace page_errors {
extern const ErrorCode csrf_invalid;
extern const ErrorCode session_expired;
extern const ErrorCode form_unreadable;
}  // namespace page_errors

// The trust center's legal pages, linked in every page's footer.
struct SiteLinks {
    std::string imprint;
    std::string privacy;
};

class PageSupport {
public:
    PageSupport(std::string trust_center_name, SessionStore& sessions, SiteLinks links = {});

    PageRequest begin(const http::Request& request) const;

    // templates/<name>.html inside templates/layout.html. `values` may hold "title".
    http::Response render(const PageRequest& page, std::string_view name, PageValues values,
                    int status = 200) const;
    http::Response error_page(const PageRequest& page, const ErrorCode& code, int status) const;

    // Throws PageRefusal(csrf_invalid, 403) unless the form's csrf_token is the session's. For a
    // visitor without a stored session, the token must also be the form cookie's; then the
    // stored session is created (http.rate_limited, 429, when this client made too many).
    void require_csrf(PageRequest& page, const http::QueryParameters& form) const;

    // Wraps a page handler: Errors and other exceptions become HTML error pages in the
    // request's language; details go to the log, never personal data or the page.
    http::Handler guarded(std::function<http::Response(PageRequest&)> handler) const;
    // What guarded() makes of a handler's answer, for a page answered later (a deferred answer,
    // completed on another thread).
    http::Response settle(PageRequest& page,
                          const std::function<http::Response(PageRequest&)>& handler) const;

    const std::string& trust_center_name() const noexcept { return trust_center_; }

    // Gives the session a new id and CSRF token (a card bound, an order placed); the answer to
    // this request carries its new cookie. The caller holds the session's mutex.
    void renew_session(PageRequest& page) const {
        sessions_.rotate(*page.session);
        page.new_session = true;
    }

private:
    http::Response answer(PageRequest& page,
                          const std::function<http::Response(PageRequest&)>& handler) const;
    http::Response keep_language(const PageRequest& page, http::Response response) const;

    std::string trust_center_;
    SessionStore& sessions_;
    SiteLinks links_;
};

// scheme://host[:port] of the portal as sigcard.toml names it (urls.portal): the only origin a
// signing request names. Never one built from the request's Host header, which a client
// chooses.
std::string configured_origin(const config::TrustCenterConfig& config);

// The language an Accept-Language field prefers among German and English; nullopt when it
// names neither.
std::optional<Language> preferred_language(std::string_view accept_language);

// Renders a template from the embedded assets (no layout); throws when it is missing.
std::string render_template(std::string_view name, const PageValues& values);

// Unix seconds as a date for holders, in German or English form (UTC), and as a date and time
// in German time with its zone and UTC beside it.
std::string format_date(std::int64_t unix_seconds, Language language);
std::string format_date_time(std::int64_t unix_seconds, Language language);

}  // namespace sigcard::portal::pages
