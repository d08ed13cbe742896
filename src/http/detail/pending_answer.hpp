// Internal: what a deferred response's promise and the connection waiting for it share. The
// promise settles it once, from any thread; the connection learns the outcome through a callback
// that hands it over to the connection's own event loop.
#pragma once

#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <variant>

#include "http/response.hpp"

namespace sigcard::http::detail {

// The answer, or the failure to answer as a thrown handler exception would be.
using Outcome = std::variant<Response, std::exception_ptr>;

class PendingAnswer {
public:
    using Delivery = std::function<void(Outcome)>;

    // Only the first call counts. Calls the waiter's delivery if one waits, else keeps the
    // outcome for it.
    void settle(Outcome outcome);
    bool settled() const;
    // The connection waits: `deliver` gets the outcome once — at once if it is already there.
    // It runs under this object's lock, so it must only hand the outcome on (e.g. asio::post).
    // A deferred response answers one request: a second waiter (the response returned twice, or
    // fulfilled with itself) gets a failure at once. False then: it is not the waiter.
    bool await(Delivery deliver);
    // The waiting connection is gone: after this returns, `deliver` is never called.
    void forget_waiter();

private:
    mutable std::mutex mutex_;
    bool settled_ = false;
    bool awaited_ = false;
    std::optional<Outcome> outcome_;  // settled before anyone waited
    Delivery deliver_;
};

}  // namespace sigcard::http::detail
