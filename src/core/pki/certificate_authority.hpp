// The trust center's certification authority: the root, the qualified issuing CA, the OCSP
// signer, the portal's TLS certificate and the holders' qualified certificates. Keys stay behind
// crypto::Signer; everything issued is recorded in the certificate store.
#pragma once

#include "config/trust_center_config.hpp"
#include "crypto/signer.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sigcard::pki {

// A CA certificate together with the key that signs in its name.
struct IssuerKey {
    const X509* certificate;
    crypto::Signer& signer;
};

struct Validity {
    Seconds not_before;
    Seconds not_after;
};

class CertificateAuthority {
public:
    // `store` may be nullptr when nothing should be recorded (benchmarks of signing alone).
    CertificateAuthority(config::TrustCenterConfig config, CertificateStore* store);

    ossl::X509Ptr create_root(crypto::Signer& key, const Validity& validity);
    ossl::X509Ptr create_issuing_ca(IssuerKey root, EVP_PKEY* key, const Validity& validity);
    ossl::X509Ptr create_ocsp_signer(IssuerKey issuing_ca, EVP_PKEY* key, const Validity& validity);
    // The portal's TLS certificate, from the root: the qualified CA issues signing certificates
    // only.
    ossl::X509Ptr create_tls_server(IssuerKey root, EVP_PKEY* key,
                                    const std::vector<std::string>& dns_names,
                                    const std::vector<std::string>& ip_addresses,
                                    const Validity& validity);

    // A qualified signature certificate for `holder_key`. Without `validity` it runs from now for
    // policy.certificate_validity_days.
    ossl::X509Ptr issue_qualified(IssuerKey issuing_ca, EVP_PKEY* holder_key,
                                  const HolderProfile& profile,
                                  std::optional<Validity> validity = std::nullopt);

    const config::TrustCenterConfig& config() const { return config_; }

private:
    ossl::X509Ptr finish(X509* tbs, IssuerKey issuer, CertificateRole role);
    ossl::X509NamePtr ca_name(const std::string& common_name) const;
    // The root CA's CRL distribution point, on the certificates the root issues.
    void add_root_crl(X509* cert) const;

    config::TrustCenterConfig config_;
    CertificateStore* store_;
};

// A random positive serial with 127 bits of entropy (CA/B BR ask for 64 at least).
ossl::Asn1IntegerPtr random_serial();

}  // namespace sigcard::pki
