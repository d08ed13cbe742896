// The stable code of the sigcard::Error an action throws, for tests that check which refusal a
// bad input gets.
#pragma once

#include "common/error.hpp"

#include <functional>
#include <string>

namespace sigcard::testing {

// "no error" when the action does not throw.
inline std::string error_id(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return std::string(e.id());
    }
    return "no error";
}

}  // namespace sigcard::testing
