// The back office's pages, on a listener of their own (sigcard.toml [portal] backoffice_port,
// 8444), German and English: operators log in with their card through the card agent (no
// passwords: operators/operator_login.hpp), each page checks the operator's role, and the page
// watches through the agent that the card is still in the reader — when it is not, the session
// ends. Here today: the start page with the queues' counts, the PostIdent review with the
// order's and the post office's values side by side, and the list of operators.
#pragma once

#include "audit/audit_log.hpp"
#include "authority/follow_up_production.hpp"
#include "backoffice/approvals.hpp"
#include "backoffice/work_queues.hpp"
#include "identification/in_person.hpp"
#include "identification/postident_results.hpp"
#include "operators/operator_sessions.hpp"
#include "orders/order_book.hpp"
#include "portal/pages/page_support.hpp"
#include "portal/pages/portal_request_signer.hpp"

#include <mutex>
#include <vector>

namespace sigcard::portal::backoffice {

struct BackofficeContext {
    const config::TrustCenterConfig& config;
    storage::Database& db;
    orders::OrderBook& book;
    identification::PostIdentResults& postident;
    const pages::PortalRequestSigner& signer;
    const pages::PageSupport& support;
    identification::InPersonIdentifications& in_person;
    const new_order::DataKey& data_key;  // seals an identification until it is signed
    // Card production and shipping (none: those pages answer 404).
    authority::TrustCenterOrders* desk = nullptr;
};

// The order number a page's query names (`name`), as typed or scanned from the order form's Data
// Matrix ("<number> <sha256>"); a refusal (404) when it is no order number.
std::string order_parameter(const pages::PageRequest& page, std::string_view name);

// Refuses (403) an operator who may see no orders (chamber staff).
void require_order_access(const operators::Operator& who);

class BackofficePages {
public:
    explicit BackofficePages(BackofficeContext context);

    void add_routes(http::Router& router);

    static constexpr std::string_view session_cookie = "__Host-sigcard_backoffice";
    static constexpr std::string_view form_cookie = "__Host-sigcard_backoffice_form";
    static constexpr std::string_view challenge_cookie = "__Host-sigcard_backoffice_challenge";

private:
    using Session = operators::OperatorSession;
    using LoginHandler = http::Response (BackofficePages::*)(pages::PageRequest&);
    using OperatorHandler = http::Response (BackofficePages::*)(pages::PageRequest&,
                                                                const Session&);
    // A page before login: its forms carry the token of the back office's form cookie.
    http::Handler login_page(LoginHandler handler) const;
    // A page for a logged-in operator with `role` (none: any operator); without a session the
    // visitor is sent to the login page, without the role refused.
    // `multipart`: the form is multipart/form-data; the handler checks its CSRF token itself.
    http::Handler operator_page(OperatorHandler handler, std::optional<operators::Role> role,
                                bool multipart = false);

    http::Response login(pages::PageRequest& page);
    http::Response choose_card(pages::PageRequest& page);
    http::Response signing_request(pages::PageRequest& page);
    http::Response sign_in(pages::PageRequest& page);
    http::Response logout(pages::PageRequest& page, const Session& session);
    http::Response home(pages::PageRequest& page, const Session& session);
    http::Response review(pages::PageRequest& page, const Session& session);
    http::Response decide(pages::PageRequest& page, const Session& session);
    http::Response operator_list(pages::PageRequest& page, const Session& session);
    http::Response operator_add(pages::PageRequest& page, const Session& session);
    http::Response operator_remove(pages::PageRequest& page, const Session& session);
    // In person at the registration office (backoffice_in_person.cpp).
    void add_in_person_routes(http::Router& router);
    http::Response in_person_form(pages::PageRequest& page, const Session& session);
    http::Response in_person_prepare(pages::PageRequest& page, const Session& session);
    http::Response in_person_request(pages::PageRequest& page, const Session& session);
    http::Response in_person_complete(pages::PageRequest& page, const Session& session);
    http::Response in_person_done(pages::PageRequest& page, const Session& session);
    http::Response id_copy_page(pages::PageRequest& page, const Session& session);
    http::Response record_pdf(pages::PageRequest& page, const Session& session);

    // Queues, search, an order's page and the approvers' decisions (backoffice_orders.cpp).
    void add_order_routes(http::Router& router);
    http::Response queue_page(pages::PageRequest& page, const Session& session);
    http::Response claim(pages::PageRequest& page, const Session& session);
    http::Response hand_back(pages::PageRequest& page, const Session& session);
    http::Response search(pages::PageRequest& page, const Session& session);
    http::Response order_page(pages::PageRequest& page, const Session& session);
    http::Response order_view(pages::PageRequest& page, const Session& session,
                              const std::string& number,
                              const std::vector<orders::FieldError>& change_errors, int status);
    http::Response decision_prepare(pages::PageRequest& page, const Session& session);
    http::Response decision_request(pages::PageRequest& page, const Session& session);
    http::Response decision_complete(pages::PageRequest& page, const Session& session);
    http::Response decision_file(pages::PageRequest& page, const Session& session);
    http::Response change_order(pages::PageRequest& page, const Session& session);

    // Production and shipping (backoffice_shipping.cpp).
    void add_shipping_routes(http::Router& router);
    http::Response produce(pages::PageRequest& page, const Session& session);
    http::Response ship(pages::PageRequest& page, const Session& session);
    http::Response label(pages::PageRequest& page, const Session& session);
    http::Response invoice_pdf(pages::PageRequest& page, const Session& session);

    // Revocation by phone and by the chamber (backoffice_revocation.cpp).
    void add_revocation_routes(http::Router& router);
    http::Response revoke_by_phone(pages::PageRequest& page, const Session& session);
    http::Response chamber_page(pages::PageRequest& page, const Session& session);
    http::Response chamber_revoke(pages::PageRequest& page, const Session& session);

    // The auditor's page (backoffice_audit.cpp).
    void add_audit_routes(http::Router& router);
    http::Response audit_page(pages::PageRequest& page, const Session& session);
    http::Response audit_check(pages::PageRequest& page, const Session& session);
    http::Response audit_view(pages::PageRequest& page, const Session& session,
                              const std::optional<audit::AuditVerification>& check);

    // Values every operator page has: the name, roles, the card the page watches.
    pages::PageValues operator_values(const pages::PageRequest& page, const Session& session) const;
    http::Response render(const pages::PageRequest& page, std::string_view name,
                          pages::PageValues values) const;

    BackofficeContext context_;
    operators::OperatorLogin login_;
    operators::OperatorSessions sessions_;
    sigcard::backoffice::Approvals approvals_;
    sigcard::backoffice::WorkQueues queues_;
    // The queues' sizes, read again at most every few seconds: figures for the tabs, not
    // decisions (every list and every step reads the orders themselves).
    std::vector<sigcard::backoffice::QueueCount> queue_counts(std::int64_t now);
    std::mutex counts_mutex_;
    std::vector<sigcard::backoffice::QueueCount> counts_;
    std::int64_t counts_read_at_ = 0;
};

}  // namespace sigcard::portal::backoffice
