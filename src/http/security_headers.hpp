// Security headers the server puts on every answer (a fixed middleware step), configurable per
// server. A handler that sets one of these fields itself keeps its own value.
#pragma once

#include <string>

#include "http/headers.hpp"

namespace sigcard::http {

struct SecurityHeaders {
    bool enabled = true;
    // Only sent over TLS: HSTS on plain HTTP is ignored by browsers and would mislead.
    std::string strict_transport_security = "max-age=31536000; includeSubDomains";
    std::string content_security_policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    std::string referrer_policy = "no-referrer";
    // No page of SigCard needs a camera, a microphone, the location, payments or USB devices
    // (cards are reached through the agent, never WebUSB).
    std::string permissions_policy =
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
    bool content_type_nosniff = true;
    // Answers of handlers are dynamic (orders, personal data): not cached unless a handler says.
    std::string cache_control = "no-store";

    void apply(Headers& headers, bool tls) const;
};

}  // namespace sigcard::http
