#include "orders/order_number.hpp"

#include "orders/order_document.hpp"

namespace sigcard::orders {

std::string new_order_number(std::int64_t now, std::int64_t now_ms,
                             std::span<const std::uint8_t, 4> random, std::string_view prefix) {
    static constexpr char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    constexpr std::uint64_t base = sizeof alphabet - 1;
    std::string clock(4, alphabet[0]);
    auto step = static_cast<std::uint64_t>(now_ms) / 16;
    for (auto digit = clock.rbegin(); digit != clock.rend(); ++digit) {
        *digit = alphabet[step % base];
        step /= base;
    }
    std::string number = std::string(prefix) + "-" + format_utc(now).substr(0, 4) + "-" + clock + "-";
    for (const auto byte : random) {
        number += alphabet[byte % base];
    }
    return number;
}

}  // namespace sigcard::orders
