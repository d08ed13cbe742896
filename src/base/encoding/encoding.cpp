#include "encoding/encoding.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace sigcard::encoding {

std::string to_base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3), '\0');
    int len =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::string to_base64(const std::string& bytes) {
    return to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string from_base64(const std::string& text) {
    if (text.size() % 4 != 0) {
        throw std::invalid_argument("bad base64 length");
    }
    std::string out(3 * text.size() / 4, '\0');
    int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(text.data()),
                              static_cast<int>(text.size()));
    if (len < 0) {
        throw std::invalid_argument("bad base64");
    }
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') {
        ++padding;
        if (text.size() > 1 && text[text.size() - 2] == '=') {
            ++padding;
        }
    }
    out.resize(static_cast<std::size_t>(len) - padding);
    return out;
}

std::string hex(std::span<const std::uint8_t> data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

std::string from_hex(std::string_view text) {
    if (text.size() % 2 != 0) {
        throw std::invalid_argument("hex of odd length");
    }
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument("not a hex digit");
    };
    std::string out(text.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<char>(digit(text[2 * i]) * 16 + digit(text[2 * i + 1]));
    }
    return out;
}

}  // namespace sigcard::encoding
