#include "orders/draft_nonce.hpp"

#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"

#include <chrono>
#include <cstdint>

namespace sigcard::orders {

std::string new_draft_nonce() {
    const auto micros =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    ossl::Bytes bytes(8);
    for (int i = 0; i < 8; ++i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(micros >> (56 - 8 * i));
    }
    const auto random = ossl::random_bytes(16);
    bytes.insert(bytes.end(), random.begin(), random.end());
    return encoding::hex(bytes);
}

}  // namespace sigcard::orders
