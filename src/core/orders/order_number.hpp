// Order numbers holders can read out on the phone (no 0/O or 1/I/L to confuse): "FA-", the year,
// then two groups of four, e.g. FA-2026-7KQM-X3PA.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace sigcard::orders {

// The first group follows the clock (`now_ms`, Unix milliseconds) in steps of 16 ms, wrapping
// every four hours, so that numbers given out together sort together: the orders' unique index
// on them then grows in one place per commit instead of taking a page at a random place per
// order. The second group is
// `random`, which keeps numbers unguessable; a number that is already taken is drawn again by
// the caller. `now`: Unix seconds, for the year.
// `prefix`: "FA" (Folgeauftrag) or "NA" (Neuauftrag).
std::string new_order_number(std::int64_t now, std::int64_t now_ms,
                             std::span<const std::uint8_t, 4> random,
                             std::string_view prefix = "FA");

}  // namespace sigcard::orders
