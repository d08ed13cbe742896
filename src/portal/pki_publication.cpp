#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "portal/pki_publication.hpp"

#include "pki/revocation.hpp"
#include "http/request.hpp"
#include "storage/database.hpp"

#include <openssl/ocsp.h>

namespace sigcard::portal {

namespace {

std::string as_string(const ossl::Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

http::Response malformed_ocsp() {
    return http::Response::ocsp(
        as_string(pki::ocsp_status_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST)));
}

http::Response certificate_file(const X509* cert) {
    const auto der = ossl::to_der(cert);
    auto response = http::Response::binary(as_string(der), "application/pkix-cert");
    response.headers.set("Cache-Control", "public, max-age=86400");
    return response;
}

}  // namespace

std::string url_path(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

PkiPublication::PkiPublication(authority::TrustCenter& tc, std::chrono::seconds crl_max_age)
    : trust_center_(tc),
      responder_(tc.certificates(), tc.issuing_certificate(), tc.ocsp_certificate(),
                 tc.ocsp_signer().signer),
      crl_max_age_(crl_max_age) {}

http::Response PkiPublication::ocsp(std::string_view request_der) const {
    const auto der = ossl::as_bytes(request_der);
    auto response = http::Response::ocsp(as_string(responder_(der, now())));
    // Responses are signed and short-lived; intermediaries may not reuse them for others.
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response PkiPublication::crl(pki::IssuerKey issuer) {
    std::lock_guard lock(crl_mutex_);
    const std::string issuer_serial = ossl::serial_hex(issuer.certificate);
    auto latest = trust_center_.certificates().latest_crl(issuer_serial);
    const auto t = now();
    if (!latest || t - latest->this_update > crl_max_age_) {
        auto fresh = pki::publish_crl(trust_center_.certificates(), issuer, t,
                                      t + std::chrono::hours(24));
        return http::Response::crl(as_string(ossl::to_der(fresh.get())));
    }
    return http::Response::crl(as_string(latest->der));
}

void PkiPublication::add_routes(http::Router& router) {
    const auto& urls = trust_center_.config().urls;
    const std::string ocsp_path = url_path(urls.ocsp);
    router.post(ocsp_path, [this](const http::Request& request) { return ocsp(request.body); });
    // RFC 6960 A.1: GET with the DER request, base64 and then URL-encoded, after the path.
    router.add_prefix("GET", ocsp_path + "/", [this](const http::Request& request) {
        const auto decoded = http::percent_decode(request.path_remainder);
        if (!decoded) {
            return malformed_ocsp();
        }
        std::string base64 = *decoded;
        while (base64.size() % 4 != 0) {
            base64 += '=';
        }
        try {
            return ocsp(encoding::from_base64(base64));
        } catch (const std::invalid_argument&) {
            return malformed_ocsp();
        }
    });
    router.get(url_path(urls.crl),
               [this](const http::Request&) { return crl(trust_center_.issuing_ca()); });
    if (!urls.root_crl.empty()) {
        router.get(url_path(urls.root_crl),
                   [this](const http::Request&) { return crl(trust_center_.root_ca()); });
    }
    router.get(url_path(urls.ca_issuers), [this](const http::Request&) {
        return certificate_file(trust_center_.issuing_certificate());
    });
    router.get("/ca/root-ca.crt", [this](const http::Request&) {
        return certificate_file(trust_center_.root_certificate());
    });
}

}  // namespace sigcard::portal
