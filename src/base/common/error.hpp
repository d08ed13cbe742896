// Errors that a holder or operator can see: a stable code plus a German and an English text.
// Internal detail (OpenSSL queues, SQL, PKCS#11 return values) goes to the log, never to a page.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace sigcard {

// One kind of failure. Instances live in static storage (see the *_errors.hpp headers of each
// part), so an Error can keep a reference to its code.
struct ErrorCode {
    std::string_view id;  // e.g. "card.in_use_by_other_program"; stable, used by clients
    std::string_view de;
    std::string_view en;
};

class Error : public std::runtime_error {
public:
    explicit Error(const ErrorCode& code, std::string detail = {});

    const ErrorCode& code() const noexcept { return *code_; }
    std::string_view id() const noexcept { return code_->id; }
    // Internal detail for the log; may be empty. Not for holders' eyes.
    const std::string& detail() const noexcept { return detail_; }

private:
    const ErrorCode* code_;
    std::string detail_;
};

}  // namespace sigcard
