// The follow-up order service on a test trust center, wired as authority::TrustCenterOrders wires
// it for a real one: path validation and the OCSP responder that attests its evidence.
#pragma once

#include "core/pki_fixture.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "orders/order_book.hpp"
#include "orders/sql_order_store.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/path_validation.hpp"

#include <chrono>

namespace sigcard::pki::testing {

struct FollowUpDesk {
    FollowUpDesk(const config::TrustCenterConfig& config, TrustCenter& tc)
        : validator(tc.store, tc.root.get(), tc.issuing.get(),
                    {config.urls.ocsp, std::chrono::seconds(300), std::chrono::seconds(86400)}),
          ocsp(tc.store, tc.issuing.get(), tc.ocsp.get(), tc.ocsp_key),
          store(tc.db),
          book(store),
          orders({config, tc.db, validator, ocsp, tc.issuing.get()}) {}

    PathValidator validator;
    OcspResponder ocsp;
    orders::SqlOrderStore store;
    orders::OrderBook book;  // the orders once placed
    orders::FollowUpOrders orders;
};

}  // namespace sigcard::pki::testing
