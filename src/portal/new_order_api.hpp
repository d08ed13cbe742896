// The new order's JSON API (docs/api/openapi.yaml): POST /api/v1/new-orders takes an
// application with its proofs and answers 201 with the order number, the PostIdent reference, the
// deadline and the links to the three documents; the documents themselves at
// /api/v1/new-orders/{number}/{order-form|postident-coupon|description}.pdf?key=… — the key from
// that answer, the confirmation page or the mail, never guessable. The order's status is
// GET /api/v1/orders/{number} as for follow-up orders.
#pragma once

#include "config/trust_center_config.hpp"
#include "documents/new_order_documents.hpp"
#include "http/http_errors.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "new_order/new_orders.hpp"

namespace sigcard::portal {

inline constexpr std::string_view kNewOrdersPath = "/api/v1/new-orders";

class NewOrderApi {
public:
    NewOrderApi(new_order::NewOrders& orders, const config::TrustCenterConfig& config);

    void add_routes(http::Router& router);

    // The documents' links for an order (absolute, under the portal's configured URL).
    nlohmann::json document_links(const std::string& order_number) const;

private:
    http::Response submit(const http::Request& request);
    http::Response document(const http::Request& request);

    new_order::NewOrders& orders_;
    const config::TrustCenterConfig& config_;
    http::RateLimiter submission_limiter_;
    http::RateLimiter document_limiter_;
};

}  // namespace sigcard::portal
