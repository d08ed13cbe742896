// The trust center's PKI on the web: the OCSP responder (POST /ocsp, GET /ocsp/<base64>), the
// issuing CA's CRL at its distribution point, and the CA certificates at the AIA caIssuers URL.
#pragma once

#include "authority/trust_center.hpp"
#include "pki/ocsp_responder.hpp"
#include "http/router.hpp"

#include <chrono>
#include <mutex>
#include <optional>

namespace sigcard::portal {

class PkiPublication {
public:
    // A CRL older than `crl_max_age` is replaced by a fresh one when it is asked for; operators'
    // revocations publish one at once (sigcard cert revoke).
    PkiPublication(authority::TrustCenter& trust_center, std::chrono::seconds crl_max_age);

    void add_routes(http::Router& router);

    http::Response ocsp(std::string_view request_der) const;
    http::Response crl();

    // The responder, also for the revocation evidence kept with each follow-up order.

private:
    authority::TrustCenter& trust_center_;
    pki::OcspResponder responder_;
    std::chrono::seconds crl_max_age_;
    std::mutex crl_mutex_;
};

// The path part of a URL ("https://host:8443/crl/x.crl" → "/crl/x.crl").
std::string url_path(const std::string& url);

}  // namespace sigcard::portal
