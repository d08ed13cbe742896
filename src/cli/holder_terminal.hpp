// The holder's side of the terminal: questions and answers in German or English, and the PIN
// read without echo (or one line from a pipe, for scripts and tests).
#pragma once

#include "common/secret.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sigcard::cli {

enum class Language { de, en };

class HolderTerminal {
public:
    explicit HolderTerminal(Language language);

    Language language() const { return language_; }
    // stdin is a terminal: wrong answers are asked again, and the PIN is typed without echo.
    bool interactive() const { return interactive_; }

    std::string_view text(std::string_view de, std::string_view en) const {
        return language_ == Language::de ? de : en;
    }
    // A {"de": …, "en": …} message from the portal (or a plain string) in the holder's language.
    std::string text(const nlohmann::json& message) const;

    void say(std::string_view line) const;
    // Asks until an answer is given (or returns `fallback` for an empty line when it is set).
    // Throws when stdin ends: a script that runs out of answers must not hang or guess.
    std::string ask(std::string_view question, const std::string& fallback = {},
                    bool optional = false) const;
    // j/ja/y/yes or n/nein/no; an empty line gives `fallback`.
    bool confirm(std::string_view question, bool fallback) const;
    // Never echoed, never logged; wiped when it goes away.
    Secret read_pin(std::string_view prompt) const;

private:
    Language language_;
    bool interactive_;
};

}  // namespace sigcard::cli
