// The nonce that names a draft (and, once signed, its order): unguessable and unique.
#pragma once

#include <string>

namespace sigcard::orders {

// The time in microseconds (8 bytes, big-endian), then 16 random bytes, as hex. The time in
// front makes nonces of one period sort together, so the orders' unique index on them grows at
// its end instead of writing a page at a random place for every order.
std::string new_draft_nonce();

}  // namespace sigcard::orders
