#include "encoding/encoding.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace sigcard::encoding {
namespace {

TEST(Base64, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
        EXPECT_EQ(from_base64(to_base64(bytes)), bytes);
        bytes += static_cast<char>(i * 37);
    }
    EXPECT_THROW(from_base64("abc"), std::invalid_argument);
    EXPECT_THROW(from_base64("ab!="), std::invalid_argument);
}

TEST(Hex, IsLowerCaseTwoDigitsPerByte) {
    const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
    EXPECT_EQ(hex(bytes), "000fa0ff");
    EXPECT_EQ(hex({}), "");
}

}  // namespace
}  // namespace sigcard::encoding
