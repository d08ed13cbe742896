// The holder's session on the pages: a random id in an HttpOnly, Secure, SameSite=Strict
// cookie, the CSRF token of its forms and the follow-up wizard's state — kept on the server so
// that no personal data travels in URLs. In memory: a restart begins every wizard anew.
#pragma once

#include "follow_up/follow_up_orders.hpp"
#include "http/rate_limiter.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::portal::pages {

// Step 3's form as the holder entered it (kept also when it has errors).
struct OrderForm {
    orders::OrderData data;
    bool billing_same = true;  // "billing address = shipping address"
};

// Where the holder stands in the follow-up order; each step fills its part.
struct WizardState {
    ossl::Bytes certificate_der;                      // step 1: the card's certificate
    std::string card_token;                           // the agent's label of that card
    std::optional<orders::EligibilityReport> report;  // step 2
    bool declared_unchanged = false;                  // step 2: name and attributes unchanged
    std::optional<OrderForm> form;                    // step 3, as entered
    std::optional<orders::OrderDraft> draft;          // step 4: the document to sign
    std::optional<orders::SubmittedOrder> order;      // step 6
    std::string order_email;  // for the confirmation PDF, never shown in a URL
    // The signed document is on its way to the group commit; a second submission meanwhile
    // (another tab, a double click) waits for the first one's outcome.
    bool submitting = false;
    std::vector<std::shared_ptr<http::ResponsePromise>> waiting;

    // Everything after a step is void when that step is done again.
    void restart_from_card() { *this = WizardState{}; }
};

// The order the holder looked up with its number and email (which proves they may act on it:
// cancel it, confirm receipt), and the receipt statement issued for it.
struct LookedUpOrder {
    std::string order_number;
    std::int64_t receipt_issued_at = 0;
    // Revocation with the card: the certificate the agent read, and when its statement was issued.
    std::string revoke_certificate_der;
    std::int64_t revoke_issued_at = 0;
};

struct Session {
    std::string id;
    std::string csrf_token;
    std::mutex mutex;  // one request of a holder at a time changes the wizard
    WizardState wizard;
    LookedUpOrder looked_up;
    std::chrono::steady_clock::time_point last_used;
};

class SessionStore {
public:
    using Clock = std::chrono::steady_clock;

    // `new_per_second`/`new_burst`: how many sessions one client (IPv4 address, IPv6 /64) may
    // have created for it; beyond that its sessions are not kept, so a flood from one place
    // cannot push everybody else's out.
    SessionStore(std::chrono::seconds idle_timeout = std::chrono::minutes(30),
                 std::size_t max_sessions = 20'000, double new_per_second = 0.5,
                 double new_burst = 60);

    // The live session whose id the request's cookie names; nullptr when none.
    std::shared_ptr<Session> find(const http::Request& request);
    // A new session with fresh random id and CSRF token; nullptr when `client` has created too
    // many. When the store is full, the least recently used session goes first.
    std::shared_ptr<Session> create(std::string_view client);
    // New id and CSRF token for a session that just gained weight (a card bound, an order
    // placed): a token seen before no longer works. The caller holds the session's mutex.
    void rotate(Session& session);

    // The session of a visitor who has only looked at pages: kept nowhere, so page views store
    // nothing. Its forms carry the token of the form cookie (`form_token`, new when the request
    // brought none); the first form sent back with both creates the stored session.
    static std::shared_ptr<Session> unsaved(std::string form_token);
    // The request's form cookie when it holds a token this store could have made.
    static std::optional<std::string> form_token(const http::Request& request);
    static std::string new_form_token();

    std::size_t size() const;

    // "__Host-": only ever set by this host, over HTTPS, for the whole site.
    static constexpr std::string_view cookie_name = "__Host-sigcard_session";

    static constexpr std::string_view form_cookie_name = "__Host-sigcard_form";

    // The Set-Cookie value for a session: HttpOnly, Secure, SameSite=Strict, whole site.
    static std::string cookie_for(const Session& session);
    // The same for the form cookie of a visitor without a session.
    static std::string form_cookie_for(std::string_view token);

private:
    void drop_expired(Clock::time_point now);

    struct Entry {
        std::shared_ptr<Session> session;
        std::list<std::string>::iterator position;  // in recent_
    };

    std::chrono::seconds idle_timeout_;
    std::size_t max_sessions_;
    http::RateLimiter creations_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> sessions_;
    std::list<std::string> recent_;  // session ids, most recently used first
};

// The value of cookie `name` from the request's Cookie fields.
std::optional<std::string> request_cookie(const http::Request& request, std::string_view name);

// Constant-time comparison for tokens.
bool same_token(std::string_view a, std::string_view b);

}  // namespace sigcard::portal::pages
