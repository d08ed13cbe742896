// What the back office's order pages share: the HTTP status of a refused step, and the query's
// values. Internal to portal/backoffice/.
#pragma once

#include "common/error.hpp"
#include "orders/order_data.hpp"
#include "portal/pages/page_support.hpp"

#include <string>
#include <string_view>

namespace sigcard::portal::backoffice {

// The status a page answers a refused back-office step with.
inline int refusal_status(std::string_view id) {
    if (id == "order.unknown") {
        return 404;
    }
    if (id == "operator.role_required" || id == "approval.same_operator" ||
        id == "approval.identified_by_you" || id == "approval.entered_by_you" ||
        id == "approval.signature_invalid" || id == "queue.not_in_your_queues") {
        return 403;
    }
    if (id == "approval.not_awaiting" || id == "approval.order_changed" ||
        id == "approval.expired" || id == "queue.claimed" || id == "queue.not_yours" ||
        id == "order.change_not_allowed" || id == "order.invalid_transition") {
        return 409;
    }
    return 422;
}

template <typename F>
auto refusing(F&& step) {
    try {
        return step();
    } catch (const orders::InvalidOrderData&) {
        throw;
    } catch (const Error& e) {
        throw pages::PageRefusal(e.code(), refusal_status(e.id()), e.detail());
    }
}

// A query parameter as sent (decoded), empty when absent.
inline std::string query_value(const pages::PageRequest& page, std::string_view name) {
    return std::string(page.http.query.find(name).value_or(""));
}

}  // namespace sigcard::portal::backoffice
