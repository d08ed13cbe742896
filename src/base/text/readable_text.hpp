// The one rule of readable text, for everything a person reads and signs: every field of an
// order (follow-up and new), the order document, what the card agent shows before signing, and
// what the terminal prints. An allow-list by Unicode general category (utf8proc, Unicode 15):
// letters, marks, numbers, punctuation, symbols and the space separators — plus tab and line
// feed where text has lines. Everything else is refused: invalid UTF-8 (overlong forms,
// surrogates), controls (C0, C1, DEL, CR), format characters (direction marks and overrides
// U+200E/F, U+061C, U+202A–E, U+2066–9, zero-width characters, tags, U+FFF9–B), line and
// paragraph separators, private-use and unassigned code points. Such a character can make two
// different texts look the same, or one text read differently from the bytes signed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sigcard::text {

enum class Lines {
    single,    // a field: no tab, no line feed
    multiple,  // a document: tab and line feed allowed
};

struct Unreadable {
    std::size_t offset = 0;          // byte offset of the first character refused
    std::optional<char32_t> character;  // absent when the bytes are not UTF-8
};

// The first character the rule refuses, or nullopt when all of `utf8` is readable.
std::optional<Unreadable> first_unreadable(std::string_view utf8, Lines lines);

inline bool is_readable(std::string_view utf8, Lines lines) {
    return !first_unreadable(utf8, lines).has_value();
}

// NFC (canonical composition), for comparing names that may arrive decomposed ("u" + U+0308 and
// "ü" compare equal). Throws std::invalid_argument when `utf8` is not UTF-8.
std::string normalized(std::string_view utf8);

// For a terminal: readable characters as they are, anything else as \u{XXXX} (or \x{XX} for a
// byte that is not UTF-8), so no escape sequence from a server or a holder reaches the terminal.
// Line feeds stay only with Lines::multiple.
std::string escaped_for_terminal(std::string_view utf8, Lines lines);

}  // namespace sigcard::text
