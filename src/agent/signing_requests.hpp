// The signing requests the agent holds while the holder decides, and their life:
// pending → signing (the holder confirmed, the card is at work) → completed | refused; a pending
// request that waits too long is refused as expired. One request at a time: the holder
// confirms one document, not a queue of them — a new request from the same portal replaces a
// pending one the holder left (a closed tab, a reload), so nothing abandoned blocks the agent.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace sigcard::agent {

// "completed" is reported as "signed" (the word the portal sees; `signed` is a C++ keyword).
enum class SigningState { pending, signing, completed, refused };

std::string_view to_string(SigningState state);

struct SigningRequest {
    std::string id;
    // Only the confirmation page knows it: it proves a confirmation came from that page.
    std::string confirmation_token;
    std::string origin;
    std::string document;
    // The card: the one holding the certificate the portal checked, and what the holder sees.
    std::string certificate_sha256;
    std::string holder_name;
    std::string token_label;
    std::string reader;
    bool pin_pad = false;
    std::chrono::system_clock::time_point expires_at;
    SigningState state = SigningState::pending;
    std::string signature;                       // CMS DER once signed
    const ErrorCode* refusal = nullptr;          // once refused
    const ErrorCode* last_card_error = nullptr;  // a wrong PIN, shown when the page asks again
    // A newer request of the same origin was opened: this request's window has had its day
    // (its page closes itself, src/agent/confirmation_page.cpp).
    bool superseded = false;
};

class SigningRequests {
public:
    explicit SigningRequests(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

    // Takes a new request (id and confirmation token are made here) and returns it. A request of
    // the same origin still waiting for the holder is refused as replaced. Throws HttpError
    // agent.busy (a signature is at the card, or another portal's request waits) or
    // agent.request_replayed (nonce seen before).
    SigningRequest open(SigningRequest request, const std::string& nonce,
                        std::chrono::system_clock::time_point portal_expiry);

    // The request as it is now; nullopt when unknown (or long finished and forgotten).
    std::optional<SigningRequest> find(const std::string& id);

    // The holder confirmed on the page: pending → signing. Throws HttpError
    // agent.request_not_found, agent.request_finished, agent.busy (already at the card) or
    // agent.confirmation_refused (token wrong).
    SigningRequest begin_signing(const std::string& id, std::string_view confirmation_token);
    // Checks the token like begin_signing and refuses the request as cancelled by the holder.
    void cancel(const std::string& id, std::string_view confirmation_token);

    // The portal that asked withdraws a request the holder has not confirmed yet. Throws
    // HttpError agent.request_not_found (unknown or another origin's), agent.busy (at the card)
    // or agent.request_finished.
    void withdraw(const std::string& id, std::string_view origin);

    void finish_signed(const std::string& id, std::string signature);
    void finish_refused(const std::string& id, const ErrorCode& reason);
    // The card refused the PIN: signing → pending, the page asks again with this error.
    void retry_pin(const std::string& id, const ErrorCode& card_error);

    // Whether a request is waiting for the holder (for the status answer).
    bool busy();

private:
    using Clock = std::chrono::system_clock;
    SigningRequest& confirmable(const std::string& id, std::string_view confirmation_token);
    void expire_and_forget(Clock::time_point now);

    std::chrono::seconds lifetime_;
    std::mutex mutex_;
    std::map<std::string, SigningRequest, std::less<>> requests_;
    std::map<std::string, Clock::time_point, std::less<>> used_nonces_;  // nonce → forget after
};

}  // namespace sigcard::agent
