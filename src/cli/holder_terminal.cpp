#include "cli/holder_terminal.hpp"

#include "common/error.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>

namespace sigcard::cli {

namespace {

inline constexpr ErrorCode input_ended{
    "terminal.input_ended",
    "Die Eingabe endete, bevor alle Fragen beantwortet waren; es wurde nichts bestellt.",
    "The input ended before every question was answered; nothing was ordered."};

// Restores the terminal's echo however the PIN prompt is left.
class EchoOff {
public:
    EchoOff() : active_(::tcgetattr(STDIN_FILENO, &saved_) == 0) {
        if (active_) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
    }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    termios saved_{};
    bool active_;
};

std::string trimmed(std::string s) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

std::string read_line() {
    std::string line;
    line.reserve(256);  // a PIN read into it is not left behind in a reallocated buffer
    if (!std::getline(std::cin, line)) {
        throw Error(input_ended);
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

}  // namespace

HolderTerminal::HolderTerminal(Language language)
    : language_(language), interactive_(::isatty(STDIN_FILENO) == 1) {}

std::string HolderTerminal::text(const nlohmann::json& message) const {
    if (message.is_string()) {
        return message.get<std::string>();
    }
    const char* key = language_ == Language::de ? "de" : "en";
    if (message.is_object() && message.contains(key) && message[key].is_string()) {
        return message[key].get<std::string>();
    }
    return {};
}

// Everything shown passes the one rule of readable text: what a server or a holder sent reaches
// the terminal as text, never as an escape sequence.
void HolderTerminal::say(std::string_view line) const {
    fmt::print("{}\n", text::escaped_for_terminal(line, text::Lines::multiple));
    std::fflush(stdout);
}

std::string HolderTerminal::ask(std::string_view question, const std::string& fallback,
                                bool optional) const {
    for (;;) {
        const auto shown = text::escaped_for_terminal(question, text::Lines::single);
        if (fallback.empty()) {
            fmt::print("{}: ", shown);
        } else {
            fmt::print("{} [{}]: ", shown, text::escaped_for_terminal(fallback, text::Lines::single));
        }
        std::fflush(stdout);
        auto answer = trimmed(read_line());
        if (!interactive_) {
            fmt::print("{}\n", answer);  // a transcript of a scripted run reads like a dialogue
        }
        if (answer.empty() && !fallback.empty()) {
            return fallback;
        }
        if (!answer.empty() || optional) {
            return answer;
        }
        say(text("Bitte geben Sie einen Wert ein.", "Please enter a value."));
    }
}

bool HolderTerminal::confirm(std::string_view question, bool fallback) const {
    for (;;) {
        const auto answer =
            ask(fmt::format("{} ({})", question,
                            text(fallback ? "J/n" : "j/N", fallback ? "Y/n" : "y/N")),
                {}, true);
        std::string lower(answer);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower.empty()) {
            return fallback;
        }
        if (lower == "j" || lower == "ja" || lower == "y" || lower == "yes") {
            return true;
        }
        if (lower == "n" || lower == "nein" || lower == "no") {
            return false;
        }
        say(text("Bitte antworten Sie mit j oder n.", "Please answer y or n."));
    }
}

Secret HolderTerminal::read_pin(std::string_view prompt) const {
    std::string line;
    if (interactive_) {
        fmt::print("{}: ", prompt);
        std::fflush(stdout);
        EchoOff echo_off;
        line = read_line();
    } else {
        line = read_line();
    }
    Secret pin(line);
    OPENSSL_cleanse(line.data(), line.size());
    return pin;
}

}  // namespace sigcard::cli
