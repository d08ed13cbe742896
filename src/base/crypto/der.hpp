// Just enough DER to write and read the ASN.1 structures OpenSSL has no type for (qcStatements,
// Common PKI procuration, signed envelopes). Reading is bounds-checked and throws
// der::errors::malformed; it never trusts a length.
#pragma once

#include "common/error.hpp"
#include "crypto/ossl.hpp"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace sigcard::der {

namespace errors {
// The codes keep the names they had when DER lived in the PKI part (operators' logs know them).
inline constexpr ErrorCode malformed{"pki.malformed_der", "Die ASN.1-Daten sind fehlerhaft.",
                                     "The ASN.1 data is malformed."};
inline constexpr ErrorCode not_encodable{
    "pki.invalid_profile",
    "Die Zertifikatsangaben des Inhabers sind unvollständig oder widersprüchlich.",
    "The holder's certificate data is incomplete or contradictory."};
}  // namespace errors

using ossl::Bytes;

namespace tag {
inline constexpr std::uint8_t integer = 0x02, bit_string = 0x03, octet_string = 0x04, null = 0x05,
                              oid = 0x06, enumerated = 0x0a, utf8_string = 0x0c,
                              printable_string = 0x13, ia5_string = 0x16, sequence = 0x30,
                              set = 0x31;
constexpr std::uint8_t context(unsigned n) {
    return static_cast<std::uint8_t>(0xa0 | n);
}  // constructed
}  // namespace tag

Bytes tlv(std::uint8_t tag, std::span<const std::uint8_t> content);
Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts);
Bytes sequence(std::initializer_list<std::span<const std::uint8_t>> parts);
Bytes oid(std::string_view dotted);
Bytes utf8(std::string_view text);
Bytes printable(std::string_view text);  // throws errors::not_encodable when not PrintableString
Bytes ia5(std::string_view text);
Bytes integer(long value);
Bytes bit_string(std::span<const std::uint8_t> bits);  // no unused bits

struct Element {
    std::uint8_t tag = 0;
    std::span<const std::uint8_t> content;
    std::span<const std::uint8_t> whole;  // tag, length and content
};

// Walks the elements of one level of DER.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) : rest_(data) {}
    bool at_end() const { return rest_.empty(); }
    Element next();
    Element next(std::uint8_t expected_tag);
    bool peek_is(std::uint8_t expected_tag) const {
        return !rest_.empty() && rest_[0] == expected_tag;
    }

private:
    std::span<const std::uint8_t> rest_;
};

// Reads exactly one element of `expected_tag` spanning all of `data`.
Element single(std::span<const std::uint8_t> data, std::uint8_t expected_tag);

std::string oid_text(const Element& e);
std::string string_text(const Element& e);  // UTF8String, PrintableString or IA5String
long integer_value(const Element& e);

}  // namespace sigcard::der
