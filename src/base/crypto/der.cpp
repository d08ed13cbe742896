#include "crypto/der.hpp"

#include <openssl/objects.h>

#include <algorithm>
#include <limits>

namespace sigcard::der {

namespace {
void append_length(Bytes& out, std::size_t length) {
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
        return;
    }
    std::uint8_t digits[sizeof(std::size_t)];
    int n = 0;
    for (std::size_t l = length; l != 0; l >>= 8) {
        digits[n++] = static_cast<std::uint8_t>(l & 0xff);
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | n));
    while (n > 0) {
        out.push_back(digits[--n]);
    }
}

bool is_printable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    });
}
}  // namespace

Bytes tlv(std::uint8_t tag, std::span<const std::uint8_t> content) {
    Bytes out;
    out.reserve(content.size() + 6);
    out.push_back(tag);
    append_length(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
    Bytes out;
    for (auto part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

Bytes sequence(std::initializer_list<std::span<const std::uint8_t>> parts) {
    return tlv(tag::sequence, concat(parts));
}

Bytes oid(std::string_view dotted) {
    ossl::Asn1ObjectPtr obj(OBJ_txt2obj(std::string(dotted).c_str(), 1));
    if (!obj) {
        throw Error(errors::not_encodable, "not an OID: " + std::string(dotted));
    }
    int len = i2d_ASN1_OBJECT(obj.get(), nullptr);
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_ASN1_OBJECT(obj.get(), &p);
    return out;
}

Bytes utf8(std::string_view text) {
    return tlv(tag::utf8_string, ossl::as_bytes(text));
}

Bytes printable(std::string_view text) {
    if (!is_printable(text)) {
        throw Error(errors::not_encodable, "not a PrintableString: " + std::string(text));
    }
    return tlv(tag::printable_string, ossl::as_bytes(text));
}

Bytes ia5(std::string_view text) {
    return tlv(tag::ia5_string, ossl::as_bytes(text));
}

Bytes integer(long value) {
    // Two's complement, minimal length.
    Bytes content;
    for (int shift = (sizeof(long) - 1) * 8; shift >= 0; shift -= 8) {
        content.push_back(
            static_cast<std::uint8_t>((static_cast<unsigned long>(value) >> shift) & 0xff));
    }
    std::size_t skip = 0;
    while (skip + 1 < content.size() && ((content[skip] == 0x00 && !(content[skip + 1] & 0x80)) ||
                                         (content[skip] == 0xff && (content[skip + 1] & 0x80)))) {
        ++skip;
    }
    return tlv(tag::integer, std::span(content).subspan(skip));
}

Bytes bit_string(std::span<const std::uint8_t> bits) {
    Bytes content{0};
    content.insert(content.end(), bits.begin(), bits.end());
    return tlv(tag::bit_string, content);
}

Element Reader::next() {
    if (rest_.size() < 2) {
        throw Error(errors::malformed, "truncated element");
    }
    const std::uint8_t t = rest_[0];
    if ((t & 0x1f) == 0x1f) {
        throw Error(errors::malformed, "multi-byte tags are not used here");
    }
    std::size_t length = rest_[1];
    std::size_t header = 2;
    if (length & 0x80) {
        const std::size_t n = length & 0x7f;
        if (n == 0 || n > 4 || rest_.size() < 2 + n) {
            throw Error(errors::malformed, "bad length");
        }
        length = 0;
        for (std::size_t i = 0; i < n; ++i) {
            length = (length << 8) | rest_[2 + i];
        }
        header += n;
    }
    if (length > rest_.size() - header) {
        throw Error(errors::malformed, "length beyond data");
    }
    Element e{t, rest_.subspan(header, length), rest_.subspan(0, header + length)};
    rest_ = rest_.subspan(header + length);
    return e;
}

Element Reader::next(std::uint8_t expected_tag) {
    Element e = next();
    if (e.tag != expected_tag) {
        throw Error(errors::malformed, "unexpected tag");
    }
    return e;
}

Element single(std::span<const std::uint8_t> data, std::uint8_t expected_tag) {
    Reader r(data);
    Element e = r.next(expected_tag);
    if (!r.at_end()) {
        throw Error(errors::malformed, "trailing data");
    }
    return e;
}

std::string oid_text(const Element& e) {
    if (e.tag != tag::oid) {
        throw Error(errors::malformed, "expected an OID");
    }
    const unsigned char* p = e.whole.data();
    ossl::Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(e.whole.size())));
    if (!obj) {
        throw Error(errors::malformed, "bad OID");
    }
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj.get(), 1);
    if (n <= 0 || n >= static_cast<int>(sizeof buf)) {
        throw Error(errors::malformed, "OID too long");
    }
    return std::string(buf, static_cast<std::size_t>(n));
}

std::string string_text(const Element& e) {
    if (e.tag != tag::utf8_string && e.tag != tag::printable_string && e.tag != tag::ia5_string) {
        throw Error(errors::malformed, "expected a string");
    }
    return std::string(e.content.begin(), e.content.end());
}

long integer_value(const Element& e) {
    if (e.tag != tag::integer || e.content.empty() || e.content.size() > sizeof(long)) {
        throw Error(errors::malformed, "expected a small INTEGER");
    }
    unsigned long v = (e.content[0] & 0x80) ? std::numeric_limits<unsigned long>::max() : 0;
    for (auto b : e.content) {
        v = (v << 8) | b;
    }
    return static_cast<long>(v);
}

}  // namespace sigcard::der
