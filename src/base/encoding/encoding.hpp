// Bytes as text: base64 (how the database and the JSON bodies carry binary values) and lower-case
// hex (digests, serial numbers, nonces).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sigcard::encoding {

std::string to_base64(const std::string& bytes);
std::string to_base64(const unsigned char* data, std::size_t size);
// Throws std::invalid_argument on anything but padded standard base64.
std::string from_base64(const std::string& text);

std::string hex(std::span<const std::uint8_t> data);
// Throws std::invalid_argument on an odd length or a character that is not a hex digit.
std::string from_hex(std::string_view text);

}  // namespace sigcard::encoding
