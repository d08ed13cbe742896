#include "http/security_headers.hpp"

namespace sigcard::http {

namespace {
void set_default(Headers& headers, const char* name, const std::string& value) {
    if (!value.empty() && !headers.contains(name)) {
        headers.set(name, value);
    }
}
}  // namespace

void SecurityHeaders::apply(Headers& headers, bool tls) const {
    if (!enabled) {
        return;
    }
    if (tls) {
        set_default(headers, "Strict-Transport-Security", strict_transport_security);
    }
    set_default(headers, "Content-Security-Policy", content_security_policy);
    set_default(headers, "Referrer-Policy", referrer_policy);
    set_default(headers, "Permissions-Policy", permissions_policy);
    if (content_type_nosniff) {
        set_default(headers, "X-Content-Type-Options", "nosniff");
    }
    set_default(headers, "Cache-Control", cache_control);
}

}  // namespace sigcard::http
