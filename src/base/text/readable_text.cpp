#include "text/readable_text.hpp"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace sigcard::text {

namespace {

bool allowed(utf8proc_int32_t c, Lines lines) {
    if (c == '\t' || c == '\n') {
        return lines == Lines::multiple;
    }
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_PC:
        case UTF8PROC_CATEGORY_PD:
        case UTF8PROC_CATEGORY_PS:
        case UTF8PROC_CATEGORY_PE:
        case UTF8PROC_CATEGORY_PI:
        case UTF8PROC_CATEGORY_PF:
        case UTF8PROC_CATEGORY_PO:
        case UTF8PROC_CATEGORY_SM:
        case UTF8PROC_CATEGORY_SC:
        case UTF8PROC_CATEGORY_SK:
        case UTF8PROC_CATEGORY_SO:
        case UTF8PROC_CATEGORY_ZS:
            return true;
        default:  // Cc, Cf, Cs, Co, Cn, Zl, Zp
            return false;
    }
}

// One character at `at`: its code point and length, or a length <= 0 when the bytes are not
// UTF-8 (utf8proc refuses overlong forms, surrogates and code points past U+10FFFF).
utf8proc_ssize_t next(std::string_view utf8, std::size_t at, utf8proc_int32_t& c) {
    return utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + at),
                            static_cast<utf8proc_ssize_t>(utf8.size() - at), &c);
}

}  // namespace

std::optional<Unreadable> first_unreadable(std::string_view utf8, Lines lines) {
    for (std::size_t at = 0; at < utf8.size();) {
        utf8proc_int32_t c = 0;
        const auto length = next(utf8, at, c);
        if (length <= 0) {
            return Unreadable{at, std::nullopt};
        }
        if (!allowed(c, lines)) {
            return Unreadable{at, static_cast<char32_t>(c)};
        }
        at += static_cast<std::size_t>(length);
    }
    return std::nullopt;
}

std::string normalized(std::string_view utf8) {
    utf8proc_uint8_t* out = nullptr;
    const auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                     static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE |
                                                                    UTF8PROC_COMPOSE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    if (length < 0) {
        throw std::invalid_argument(utf8proc_errmsg(length));
    }
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(length));
}

std::string escaped_for_terminal(std::string_view utf8, Lines lines) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t at = 0; at < utf8.size();) {
        utf8proc_int32_t c = 0;
        const auto length = next(utf8, at, c);
        if (length <= 0) {
            out += fmt::format("\\x{{{:02X}}}", static_cast<unsigned char>(utf8[at]));
            ++at;
            continue;
        }
        if (allowed(c, lines)) {
            out.append(utf8.substr(at, static_cast<std::size_t>(length)));
        } else {
            out += fmt::format("\\u{{{:04X}}}", static_cast<std::uint32_t>(c));
        }
        at += static_cast<std::size_t>(length);
    }
    return out;
}

}  // namespace sigcard::text
