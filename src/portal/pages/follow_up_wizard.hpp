// The follow-up order wizard (R1–R7) as pages: 1 connect the card (the card agent reads the
// certificate; a certificate file as fallback) → 2 eligibility and the declaration that name
// and attributes are unchanged → 3 contact, shipping and billing address → 4 review of the
// exact order document → 5 sign with the card through the agent → 6 confirmation and PDF.
// The state lives in the server-side session; no personal data in URLs or logs.
#pragma once

#include "config/trust_center_config.hpp"
#include "documents/confirmation_builder.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/terms.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "portal/pages/page_support.hpp"
#include "portal/pages/portal_request_signer.hpp"

namespace sigcard::portal::pages {


struct FollowUpWizardContext {
    const config::TrustCenterConfig& config;
    orders::FollowUpOrders& follow_up;
    orders::OrderBook& book;
    storage::Database& database;
    const PortalRequestSigner& signer;
    const PageSupport& support;
};

class FollowUpWizard {
public:
    explicit FollowUpWizard(FollowUpWizardContext context);

    void add_routes(http::Router& router);

private:
    http::Response connect_card(PageRequest& page) const;
    http::Response receive_certificate(PageRequest& page);
    http::Response eligibility(PageRequest& page) const;
    http::Response declare(PageRequest& page) const;
    http::Response order_form(PageRequest& page) const;
    http::Response receive_order_data(PageRequest& page);
    http::Response review(PageRequest& page) const;
    http::Response signing(PageRequest& page) const;
    http::Response signing_request(PageRequest& page) const;
    http::Response receive_signature(PageRequest& page);
    http::Response refused_signature(PageRequest& page, const Error& e) const;
    http::Response settle_submission(PageRequest& page,
                                     const std::optional<orders::SubmittedOrder>& order,
                                     std::exception_ptr error) const;
    http::Response confirmation(PageRequest& page) const;
    http::Response confirmation_pdf(PageRequest& page) const;

    http::Response render_order_form(PageRequest& page, const OrderForm& form,
                               const std::vector<orders::FieldError>& errors, int status,
                               const ErrorCode* problem = nullptr) const;
    http::Response render_signing(PageRequest& page, const ErrorCode* problem, bool redraft,
                            int status) const;
    PageValues eligibility_values(const PageRequest& page) const;
    // The draft's signing request for the agent, with a fresh nonce, for the page's origin and
    // the card whose certificate step 1 checked.
    SignedPortalRequest sign_for_agent(const PageRequest& page) const;
    // The new card's gross price with its VAT, as the order document states it.
    std::string follow_up_price_text(const PageRequest& page) const;

    FollowUpWizardContext context_;
    orders::TermsCatalogue terms_;
    pki::CertificateStore certificates_;
    documents::ConfirmationBuilder confirmations_;
    http::RateLimiter eligibility_limiter_;
    http::RateLimiter draft_limiter_;
    http::RateLimiter submission_limiter_;
};

// The server's strict Content-Security-Policy plus connections to the card agent at `agent_url`,
// for the pages whose script talks to it.
std::string agent_page_csp(const std::string& agent_url);

// Every card.* error code the agent can report, for the help page and the pages' script.
const std::vector<const ErrorCode*>& card_error_codes();

// The values of card_error_codes() for a template: id, anchor and text in the page's language.
PageValues card_error_list(const PageRequest& page);

// The card help's messages, grouped by what the holder sees (the card is not found, blocked, the
// PIN, the card does not fit), each group with its messages in the page's language.
PageValues card_help_groups(const PageRequest& page);

}  // namespace sigcard::portal::pages
