#include "agent/signing_requests.hpp"

#include <openssl/crypto.h>

#include "agent/agent_errors.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "http/http_errors.hpp"

namespace sigcard::agent {

namespace {

using http::HttpError;

// Finished requests stay readable this long, so the portal's page can still fetch the result.
constexpr std::chrono::minutes keep_finished{10};

bool finished(const SigningRequest& request) {
    return request.state == SigningState::completed || request.state == SigningState::refused;
}

}  // namespace

std::string_view to_string(SigningState state) {
    switch (state) {
        case SigningState::pending:
            return "pending";
        case SigningState::signing:
            return "signing";
        case SigningState::completed:
            return "signed";
        case SigningState::refused:
            return "refused";
    }
    return "unknown";
}

void SigningRequests::expire_and_forget(Clock::time_point now) {
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto& request = it->second;
        // A request at the card is never expired underneath it: the card decides.
        if (request.state == SigningState::pending && now >= request.expires_at) {
            request.state = SigningState::refused;
            request.refusal = &errors::request_expired;
        }
        if (finished(request) && now >= request.expires_at + keep_finished) {
            it = requests_.erase(it);
        } else {
            ++it;
        }
    }
    std::erase_if(used_nonces_, [now](const auto& entry) { return now >= entry.second; });
}

SigningRequest SigningRequests::open(SigningRequest request, const std::string& nonce,
                                     Clock::time_point portal_expiry) {
    const std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    expire_and_forget(now);
    for (const auto& [id, open_request] : requests_) {
        const bool replaceable =
            open_request.state == SigningState::pending && open_request.origin == request.origin;
        if (!finished(open_request) && !replaceable) {
            throw http::HttpError(errors::busy, 409, "request " + id + " still open");
        }
    }
    if (used_nonces_.contains(nonce)) {
        throw http::HttpError(errors::request_replayed, 409, "nonce seen before");
    }
    for (auto& [id, open_request] : requests_) {
        if (open_request.state == SigningState::pending) {
            open_request.state = SigningState::refused;
            open_request.refusal = &errors::request_replaced;
        }
        if (open_request.origin == request.origin) {
            open_request.superseded = true;
        }
    }
    // Kept past the portal's expiry (plus clock skew), after which the request is refused anyway.
    used_nonces_.emplace(nonce, portal_expiry + std::chrono::minutes(5));
    request.id = encoding::hex(ossl::random_bytes(16));
    request.confirmation_token = encoding::hex(ossl::random_bytes(32));
    request.expires_at = std::min(portal_expiry, now + lifetime_);
    request.state = SigningState::pending;
    requests_.emplace(request.id, request);
    return request;
}

std::optional<SigningRequest> SigningRequests::find(const std::string& id) {
    const std::lock_guard lock(mutex_);
    expire_and_forget(Clock::now());
    const auto it = requests_.find(id);
    if (it == requests_.end()) {
        return std::nullopt;
    }
    return it->second;
}

SigningRequest& SigningRequests::confirmable(const std::string& id,
                                             std::string_view confirmation_token) {
    expire_and_forget(Clock::now());
    const auto it = requests_.find(id);
    if (it == requests_.end()) {
        throw http::HttpError(errors::request_not_found, 404, "request " + id);
    }
    auto& request = it->second;
    const auto& expected = request.confirmation_token;
    if (confirmation_token.size() != expected.size() ||
        CRYPTO_memcmp(confirmation_token.data(), expected.data(), expected.size()) != 0) {
        throw http::HttpError(errors::confirmation_refused, 403, "confirmation token wrong");
    }
    if (request.state == SigningState::signing) {
        throw http::HttpError(errors::busy, 409, "already at the card");
    }
    if (finished(request)) {
        throw http::HttpError(errors::request_finished, 409, std::string(to_string(request.state)));
    }
    return request;
}

SigningRequest SigningRequests::begin_signing(const std::string& id,
                                              std::string_view confirmation_token) {
    const std::lock_guard lock(mutex_);
    auto& request = confirmable(id, confirmation_token);
    request.state = SigningState::signing;
    request.last_card_error = nullptr;
    return request;
}

void SigningRequests::cancel(const std::string& id, std::string_view confirmation_token) {
    const std::lock_guard lock(mutex_);
    auto& request = confirmable(id, confirmation_token);
    request.state = SigningState::refused;
    request.refusal = &errors::cancelled_by_holder;
}

void SigningRequests::withdraw(const std::string& id, std::string_view origin) {
    const std::lock_guard lock(mutex_);
    expire_and_forget(Clock::now());
    const auto it = requests_.find(id);
    if (it == requests_.end() || it->second.origin != origin) {
        throw http::HttpError(errors::request_not_found, 404, "request " + id);
    }
    auto& request = it->second;
    if (request.state == SigningState::signing) {
        throw http::HttpError(errors::busy, 409, "already at the card");
    }
    if (finished(request)) {
        throw http::HttpError(errors::request_finished, 409, std::string(to_string(request.state)));
    }
    request.state = SigningState::refused;
    request.refusal = &errors::cancelled_by_portal;
}

void SigningRequests::finish_signed(const std::string& id, std::string signature) {
    const std::lock_guard lock(mutex_);
    if (const auto it = requests_.find(id); it != requests_.end()) {
        it->second.state = SigningState::completed;
        it->second.signature = std::move(signature);
    }
}

void SigningRequests::finish_refused(const std::string& id, const ErrorCode& reason) {
    const std::lock_guard lock(mutex_);
    if (const auto it = requests_.find(id); it != requests_.end()) {
        it->second.state = SigningState::refused;
        it->second.refusal = &reason;
    }
}

void SigningRequests::retry_pin(const std::string& id, const ErrorCode& card_error) {
    const std::lock_guard lock(mutex_);
    if (const auto it = requests_.find(id); it != requests_.end()) {
        it->second.state = SigningState::pending;
        it->second.last_card_error = &card_error;
    }
}

bool SigningRequests::busy() {
    const std::lock_guard lock(mutex_);
    expire_and_forget(Clock::now());
    for (const auto& entry : requests_) {
        if (!finished(entry.second)) {
            return true;
        }
    }
    return false;
}

}  // namespace sigcard::agent
