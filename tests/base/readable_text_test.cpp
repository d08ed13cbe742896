#include "text/readable_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sigcard::text {
namespace {

// The UTF-8 of one code point.
std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
    return out;
}

TEST(ReadableText, WhatPeopleWriteIsReadable) {
    for (const char* ok : {"Jürgen Müller-Lüdenscheidt", "Domkloster 4", "50667 Köln",
                           "c/o Kanzlei & Partner (3. OG)", "Łódź", "Ελληνικά", "Приморский",
                           "‚Zitat‘ – „so“ …", "10 – 20 €", "Straße № 7", "李小龙"}) {
        EXPECT_TRUE(is_readable(ok, Lines::single)) << ok;
    }
    EXPECT_TRUE(is_readable("Zeile 1\nZeile 2\tmit Tab", Lines::multiple));
    EXPECT_FALSE(is_readable("Zeile 1\nZeile 2", Lines::single));
    EXPECT_FALSE(is_readable("Zeile\r\n", Lines::multiple));  // documents end lines with LF only
}

TEST(ReadableText, EveryCharacterThatHidesOrReordersTextIsRefused) {
    for (const char32_t c : {
             char32_t{0x00}, char32_t{0x1b}, char32_t{0x7f},  // C0, ESC, DEL
             char32_t{0x85}, char32_t{0x9b},                  // C1 (NEL, CSI)
             char32_t{0x200e}, char32_t{0x200f}, char32_t{0x061c},  // LRM, RLM, ALM
             char32_t{0x202a}, char32_t{0x202e}, char32_t{0x2066}, char32_t{0x2069},  // bidi
             char32_t{0x200b}, char32_t{0x200d}, char32_t{0xfeff},  // zero width
             char32_t{0x2028}, char32_t{0x2029},                    // line/paragraph separator
             char32_t{0xe0041}, char32_t{0xe007f},                  // tag characters
             char32_t{0xfff9}, char32_t{0xfffa}, char32_t{0xfffb},  // interlinear annotation
             char32_t{0xe000}, char32_t{0x10ffff},                  // private use, noncharacter
         }) {
        const auto text = "10 " + utf8(c) + "– 20";
        const auto problem = first_unreadable(text, Lines::multiple);
        ASSERT_TRUE(problem) << std::hex << static_cast<std::uint32_t>(c);
        EXPECT_EQ(problem->offset, 3u);
        EXPECT_EQ(problem->character.value_or(0), c);
    }
}

TEST(ReadableText, BytesThatAreNotUtf8AreRefused) {
    for (const std::string& bad : {
             std::string("\xc0\xaf"),          // overlong "/"
             std::string("\xe0\x80\xaf"),      // overlong, three bytes
             std::string("\xed\xa0\x80"),      // a surrogate (U+D800)
             std::string("\xf4\x90\x80\x80"),  // past U+10FFFF
             std::string("\xc3"),              // cut off
             std::string("\xff"),
         }) {
        const auto problem = first_unreadable("ab" + bad, Lines::single);
        ASSERT_TRUE(problem);
        EXPECT_EQ(problem->offset, 2u);
        EXPECT_FALSE(problem->character);
    }
}

TEST(ReadableText, NamesCompareEqualOnceNormalised) {
    const std::string composed = "M\xc3\xbcller";     // ü
    const std::string decomposed = "Mu\xcc\x88ller";  // u + combining diaeresis
    EXPECT_NE(composed, decomposed);
    EXPECT_EQ(normalized(decomposed), composed);
    EXPECT_EQ(normalized(composed), composed);
    EXPECT_THROW(normalized("\xc0\xaf"), std::invalid_argument);
}

TEST(ReadableText, TerminalsGetEscapesShownNotObeyed) {
    EXPECT_EQ(escaped_for_terminal("K\xc3\xb6ln\x1b[31m", Lines::single), "Köln\\u{001B}[31m");
    EXPECT_EQ(escaped_for_terminal("a\nb", Lines::single), "a\\u{000A}b");
    EXPECT_EQ(escaped_for_terminal("a\nb", Lines::multiple), "a\nb");
    EXPECT_EQ(escaped_for_terminal("x\xff", Lines::single), "x\\x{FF}");
    EXPECT_EQ(escaped_for_terminal("10 " + utf8(0x200f) + "– 20", Lines::single),
              "10 \\u{200F}– 20");
}

}  // namespace
}  // namespace sigcard::text
