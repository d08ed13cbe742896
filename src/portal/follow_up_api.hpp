// The follow-up order's JSON API under /api/v1 (docs/api/openapi.yaml): eligibility of a card's
// certificate, order drafts to sign, submission of the signed document, order status and
// confirmation PDF for the holder, and the terms in force. The browser pages and the terminal
// client are its clients; the card agent signs what it returns.
#pragma once

#include "config/trust_center_config.hpp"
#include "documents/confirmation_builder.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/terms.hpp"
#include "pki/certificate_store.hpp"
#include "http/http_errors.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"

#include <cstdint>

namespace sigcard::portal {


class FollowUpApi {
public:
    FollowUpApi(orders::FollowUpOrders& follow_up, const orders::OrderBook& book,
                storage::Database& database,
                const pki::CertificateStore& certificates, const config::TrustCenterConfig& config);

    void add_routes(http::Router& router);

private:
    http::Response eligibility(const http::Request& request);
    http::Response create_draft(const http::Request& request);
    http::Response submit(const http::Request& request);
    // GET /api/v1/orders/{number} and /api/v1/orders/{number}/confirmation.pdf
    http::Response order_resource(const http::Request& request);
    http::Response order_status(const orders::OrderRecord& order) const;
    http::Response confirmation(const orders::OrderRecord& order, const http::Request& request) const;
    http::Response current_terms(const http::Request& request) const;
    http::Response terms_text(const http::Request& request) const;

    std::string terms_url(const std::string& version) const;

    orders::FollowUpOrders& follow_up_;
    const orders::OrderBook& book_;
    orders::TermsCatalogue terms_;
    documents::ConfirmationBuilder confirmations_;
    const config::TrustCenterConfig& config_;
    http::ErrorStatusTable statuses_;  // the server's statuses, for the answers built here
    http::RateLimiter eligibility_limiter_;
    http::RateLimiter status_limiter_;
    http::RateLimiter draft_limiter_;
    http::RateLimiter submission_limiter_;
};

}  // namespace sigcard::portal
