// The new order on the holders' pages, server-rendered and without JavaScript: the application
// form (GET/POST /neuauftrag, multipart for the proofs), every error at its field with the
// entries kept, Post/Redirect/Get to the order's own page (/neuauftrag/{number}?key=…) with its
// state, deadline, PostIdent reference, the three documents and — until identification — the
// cancellation. A holder sent here from the follow-up path finds name and attributes of the old
// certificate filled in.
#pragma once

#include "new_order/new_orders.hpp"
#include "portal/pages/page_support.hpp"

namespace sigcard::portal::pages {

class NewOrderPages {
public:
    NewOrderPages(const config::TrustCenterConfig& config, new_order::NewOrders& orders,
                  const PageSupport& support);

    void add_routes(http::Router& router);

private:
    http::Response form(PageRequest& page) const;
    http::Response submit(PageRequest& page);
    http::Response order_page(PageRequest& page) const;
    http::Response cancel(PageRequest& page);

    http::Response render_form(PageRequest& page, const new_order::Application& application,
                               const std::vector<orders::FieldError>& errors, bool billing_same,
                               int status) const;

    const config::TrustCenterConfig& config_;
    new_order::NewOrders& orders_;
    const PageSupport& support_;
};

}  // namespace sigcard::portal::pages
