// Deferred responses: the promise a handler settles later and the state it shares with the
// connection that waits for it (detail/pending_answer.hpp).
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

#include "http/detail/pending_answer.hpp"

namespace sigcard::http {

namespace detail {

void PendingAnswer::settle(Outcome outcome) {
    const std::lock_guard lock(mutex_);
    if (settled_) {
        return;
    }
    settled_ = true;
    if (deliver_) {
        std::exchange(deliver_, nullptr)(std::move(outcome));
    } else {
        outcome_ = std::move(outcome);
    }
}

bool PendingAnswer::settled() const {
    const std::lock_guard lock(mutex_);
    return settled_;
}

bool PendingAnswer::await(Delivery deliver) {
    const std::lock_guard lock(mutex_);
    if (awaited_) {
        deliver(std::make_exception_ptr(std::logic_error("deferred response awaited twice")));
        return false;
    }
    awaited_ = true;
    if (outcome_) {
        deliver(*std::exchange(outcome_, std::nullopt));
    } else {
        deliver_ = std::move(deliver);
    }
    return true;
}

void PendingAnswer::forget_waiter() {
    const std::lock_guard lock(mutex_);
    deliver_ = nullptr;
}

}  // namespace detail

DeferredResponse Response::deferred() {
    auto answer = std::make_shared<detail::PendingAnswer>();
    Response response;
    response.pending = answer;
    // Not make_shared: the constructor is for Response only.
    return {std::move(response), std::shared_ptr<ResponsePromise>(new ResponsePromise(answer))};
}

ResponsePromise::ResponsePromise(std::shared_ptr<detail::PendingAnswer> answer)
    : answer_(std::move(answer)) {}

ResponsePromise::~ResponsePromise() {
    if (answer_->settled()) {
        return;  // the usual case: no failure to make
    }
    try {
        // Made in its own statement: the temporary logic_error shares its message with the
        // exception and must be gone before the exception goes to another thread.
        auto dropped = std::make_exception_ptr(
            std::logic_error("deferred response dropped without fulfil() or fail()"));
        fail(std::move(dropped));
    } catch (const std::exception& e) {
        // Only allocation can fail here; the waiting connection is cut when the server stops.
        spdlog::error("http deferred response lost: {}", e.what());
    }
}

void ResponsePromise::fulfil(Response response) {
    answer_->settle(std::move(response));
}

void ResponsePromise::fail(std::exception_ptr failure) {
    if (!failure) {
        failure = std::make_exception_ptr(std::logic_error("fail() without an exception"));
    }
    answer_->settle(std::move(failure));
}

}  // namespace sigcard::http
