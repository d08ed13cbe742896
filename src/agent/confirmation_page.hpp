// The agent's own confirmation page, outside the portal's page: who asks (the origin), the
// whole document, the card, and the PIN field (reader without keypad) or the hint to use the
// reader's keypad — in German and English. Served with its own strict CSP, never framed.
#pragma once

#include "agent/signing_requests.hpp"
#include "http/response.hpp"

namespace sigcard::agent {

// The page for `request` in its current state: the confirmation form while pending (with
// `request.last_card_error` shown above it), else the outcome.
http::Response confirmation_page(const SigningRequest& request, int status = 200);

// A page for a request the agent does not know (any more).
http::Response unknown_request_page();

}  // namespace sigcard::agent
