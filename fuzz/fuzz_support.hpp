// What every fuzz target shares: the input as bytes or text, and the one rule of a refusal —
// SigCard's parsers refuse bad input by throwing sigcard::Error (an HTTP error is one), which
// the caller turns into a clear answer. Anything else that escapes, a crash, a leak or undefined
// behaviour is a finding: libFuzzer stops and keeps the input.
#pragma once

#include "common/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sigcard::fuzz {

inline std::span<const std::uint8_t> bytes(const std::uint8_t* data, std::size_t size) {
    return {data, size};
}

inline std::string text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Runs `step`; a sigcard::Error is the expected refusal of bad input.
template <typename Step>
void refused_or_done(Step step) {
    try {
        step();
    } catch (const Error&) {
    }
}

}  // namespace sigcard::fuzz
