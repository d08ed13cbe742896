// The holders' server-rendered pages (German by default, English by ?lang=en): start page,
// the follow-up order wizard, the new order, card help and order status, plus the
// CSS and JS they load from /static/. Pages that need no card work without JavaScript.
#pragma once

#include "config/trust_center_config.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/terms.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "portal/pages/follow_up_wizard.hpp"
#include "portal/pages/new_order_pages.hpp"
#include "portal/pages/page_session.hpp"
#include "portal/pages/page_support.hpp"
#include "portal/pages/portal_request_signer.hpp"
#include "portal/pages/receipt_pages.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace sigcard::portal::pages {

struct HolderPagesContext {
    const config::TrustCenterConfig& config;
    orders::FollowUpOrders& follow_up;
    orders::OrderBook& book;
    storage::Database& database;
    // Where the request-signing key and certificate live (the trust center's tls/ folder).
    std::filesystem::path request_signing_folder;
    // The new order's intake (/neuauftrag).
    new_order::NewOrders& new_orders;
    // The back office's side, for the holder's confirmation of receipt; none: not offered.
    authority::TrustCenterOrders* desk = nullptr;
};

class HolderPages {
public:
    explicit HolderPages(HolderPagesContext context);

    void add_routes(http::Router& router);

    const PortalRequestSigner& request_signer() const noexcept { return signer_; }
    SessionStore& sessions() noexcept { return sessions_; }

private:
    http::Response start(PageRequest& page) const;
    http::Response card_help(PageRequest& page) const;
    http::Response status_form(PageRequest& page) const;
    http::Response status_lookup(PageRequest& page);
    http::Response cancel_order(PageRequest& page);
    http::Response mail_status_link(PageRequest& page);
    http::Response render_status(PageRequest& page, const orders::OrderRecord& order,
                           PageValues values) const;

    const config::TrustCenterConfig& config_;
    NewOrderPages new_order_pages_;
    orders::OrderBook& book_;
    storage::Database& database_;
    SessionStore sessions_;
    PageSupport support_;
    PortalRequestSigner signer_;
    http::RateLimiter status_limiter_;
    FollowUpWizard wizard_;
    std::optional<ReceiptPages> receipt_;
};

// The one call portal_app makes: every page route, /static/ included.
void add_page_routes(http::Router& router, HolderPages& pages);

// GET /static/<name>: the embedded CSS and JS with their content types.
http::Response static_asset(const http::Request& request);

}  // namespace sigcard::portal::pages
