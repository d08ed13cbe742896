// The trust center's PKI for relying parties: the OCSP responder (POST /ocsp, GET /ocsp/<base64>),
// the issuing and root CAs' CRLs at their distribution points, and the CA certificates at the
// AIA caIssuers URL, each at the path of its URL in sigcard.toml. The portal adds these routes to
// its plain-HTTP listener and, for certificates issued with https:// URLs, to the holders' one.
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
    // The CA's CRL: the latest stored one, or a fresh one when that is older than crl_max_age.
    http::Response crl(pki::IssuerKey issuer);

private:
    authority::TrustCenter& trust_center_;
    pki::OcspResponder responder_;
    std::chrono::seconds crl_max_age_;
    std::mutex crl_mutex_;
};

// The path part of a URL ("https://host:8443/crl/x.crl" → "/crl/x.crl").
std::string url_path(const std::string& url);

}  // namespace sigcard::portal
