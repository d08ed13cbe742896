// The follow-up order's JSON API under /api/v1 (docs/api/openapi.yaml): eligibility of a card's
// certificate, order drafts to sign, submission of the signed document, order status and
// confirmation PDF for the holder, and the terms in force. The browser pages and the terminal
// client are its clients; the card agent signs what it returns.
#pragma once

#include "config/trust_center_config.hpp"
#include "orders/follow_up_orders.hpp"
#include "orders/terms.hpp"
#include "pki/certificate_store.hpp"
#include "portal/http/http_errors.hpp"
#include "portal/http/rate_limiter.hpp"
#include "portal/http/router.hpp"

#include <cstdint>

namespace sigcard::portal {

// Look-ups by guessable keys (a certificate anyone may hold, an order number) are rate-limited
// per client address.
struct FollowUpApiLimits {
    double eligibility_per_second = 0.5;
    double eligibility_burst = 30;
    double status_per_second = 0.5;
    double status_burst = 20;
};

class FollowUpApi {
public:
    FollowUpApi(orders::FollowUpOrders& orders, storage::Database& database,
                const pki::CertificateStore& certificates, const config::TrustCenterConfig& config,
                FollowUpApiLimits limits = {});

    void add_routes(Router& router);

private:
    Response eligibility(const Request& request);
    Response create_draft(const Request& request);
    Response submit(const Request& request);
    // GET /api/v1/orders/{number} and /api/v1/orders/{number}/confirmation.pdf
    Response order_resource(const Request& request);
    Response order_status(const orders::OrderRecord& order) const;
    Response confirmation(const orders::OrderRecord& order, const Request& request) const;
    Response current_terms(const Request& request) const;
    Response terms_text(const Request& request) const;

    std::string terms_url(const std::string& version) const;

    orders::FollowUpOrders& orders_;
    orders::TermsCatalogue terms_;
    const pki::CertificateStore& certificates_;
    const config::TrustCenterConfig& config_;
    ErrorStatusTable statuses_;  // the server's statuses, for the answers built here
    RateLimiter eligibility_limiter_;
    RateLimiter status_limiter_;
};

}  // namespace sigcard::portal
