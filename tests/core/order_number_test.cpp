#include "orders/order_number.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <regex>
#include <vector>

namespace sigcard::orders {
namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // 2026-11-18
constexpr std::int64_t kNowMs = kNow * 1000 + 123;

std::string number(std::int64_t ms, std::array<std::uint8_t, 4> random) {
    return new_order_number(kNow, ms, random);
}

TEST(OrderNumber, ReadsOutWithoutLettersThatLookLikeDigits) {
    const auto n = number(kNowMs, {0, 30, 31, 255});
    EXPECT_TRUE(std::regex_match(n, std::regex("FA-2026-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")))
        << n;
    EXPECT_EQ(n.substr(13), "2Z29");  // 0 -> '2', 30 -> 'Z', 31 wraps to '2', 255 % 31 = 7 -> '9'
}

TEST(OrderNumber, NumbersGivenOutTogetherShareTheirFirstGroupAndDifferByChance) {
    const auto a = number(kNowMs, {1, 2, 3, 4});
    const auto b = number(kNowMs + 3, {9, 8, 7, 6});
    EXPECT_EQ(a.substr(0, 12), b.substr(0, 12));
    EXPECT_NE(a.substr(13), b.substr(13));
}

TEST(OrderNumber, LaterNumbersSortAfterEarlierOnes) {
    // Within the four hours before the first group wraps: what the index grows by.
    std::vector<std::string> numbers;
    for (std::int64_t ms = kNowMs; ms < kNowMs + 3'600'000; ms += 16 * 997) {
        numbers.push_back(number(ms, {200, 100, 50, 25}));
    }
    EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end()));
    EXPECT_EQ(std::adjacent_find(numbers.begin(), numbers.end()), numbers.end());  // all differ
    // One step of 16 ms is one step of the last character of the first group.
    EXPECT_NE(number(kNowMs - kNowMs % 16, {0, 0, 0, 0}),
              number(kNowMs - kNowMs % 16 + 16, {0, 0, 0, 0}));
    EXPECT_EQ(number(kNowMs - kNowMs % 16, {0, 0, 0, 0}),
              number(kNowMs - kNowMs % 16 + 15, {0, 0, 0, 0}));
}

}  // namespace
}  // namespace sigcard::orders
