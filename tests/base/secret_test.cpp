#include "common/secret.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string_view>

namespace sigcard {
namespace {

// Whether `needle` stands anywhere in the bytes of `storage`.
bool holds(const unsigned char* storage, std::size_t size, std::string_view needle) {
    return std::search(storage, storage + size, needle.begin(), needle.end()) != storage + size;
}

TEST(Secret, AMovedFromPinLeavesNoCopyInItsBuffer) {
    alignas(Secret) unsigned char storage[sizeof(Secret)];
    auto* pin = new (storage) Secret("123456");  // short: in the small-string buffer
    Secret taken(std::move(*pin));
    pin->~Secret();
    EXPECT_FALSE(holds(storage, sizeof storage, "3456"));
    EXPECT_EQ(taken.view(), "123456");
}

TEST(Secret, AnAssignedOverPinLeavesNoCopy) {
    alignas(Secret) unsigned char storage[sizeof(Secret)];
    auto* pin = new (storage) Secret("654321");
    *pin = Secret("1");
    EXPECT_FALSE(holds(storage, sizeof storage, "4321"));
    EXPECT_EQ(pin->view(), "1");
    pin->~Secret();
}

}  // namespace
}  // namespace sigcard
