// What an order's state means to its holder, in German and English: the status page, the
// terminal client and the mails say the same.
#pragma once

#include "orders/order_life.hpp"

#include <string_view>

namespace sigcard::orders {

std::string_view holder_state_text(OrderState state, bool english);

}  // namespace sigcard::orders
