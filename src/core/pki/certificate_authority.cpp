#include "pki/certificate_authority.hpp"
#include "common/clock.hpp"

#include "pki/external_signing.hpp"
#include "pki/pki_errors.hpp"
#include "pki/qc_statements.hpp"

#include <openssl/bn.h>

#include <fmt/format.h>

namespace sigcard::pki {

namespace {
using ossl::Bytes;

ossl::X509Ptr new_certificate(const X509_NAME* subject, EVP_PKEY* key, const Validity& validity) {
    ossl::X509Ptr cert(X509_new());
    auto serial = random_serial();
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
        X509_set_subject_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), key) != 1 ||
        !ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                       validity.not_before.time_since_epoch().count()) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                       validity.not_after.time_since_epoch().count())) {
        throw Error(errors::signing_failed, "certificate fields: " + ossl::last_error());
    }
    return cert;
}

void add(X509* cert, ossl::X509ExtensionPtr ext) {
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        throw Error(errors::signing_failed, "extension: " + ossl::last_error());
    }
}

// An extension in OpenSSL's configuration syntax ("critical,CA:TRUE", "OCSP;URI:…").
void add(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, nullptr, cert, nullptr, nullptr, 0);
    ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext) {
        throw Error(errors::signing_failed, value + ": " + ossl::last_error());
    }
    add(cert, std::move(ext));
}

// certificatePolicies with bare policy OIDs (the configuration syntax would need a CONF database).
void add_policies(X509* cert, std::initializer_list<std::string> oids) {
    std::unique_ptr<CERTIFICATEPOLICIES, ossl::Deleter<CERTIFICATEPOLICIES_free>> policies(
        CERTIFICATEPOLICIES_new());
    for (const auto& oid : oids) {
        POLICYINFO* info = POLICYINFO_new();
        info->policyid = OBJ_txt2obj(oid.c_str(), 1);
        sk_POLICYINFO_push(policies.get(), info);
        if (info->policyid == nullptr) {
            throw Error(errors::signing_failed, "policy OID " + oid);
        }
    }
    if (X509_add1_ext_i2d(cert, NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
        throw Error(errors::signing_failed, "certificatePolicies: " + ossl::last_error());
    }
}

// SKI = SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 method 1); AKI = the issuer's SKI.
void add_key_identifiers(X509* cert, const X509* issuer) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_pubkey_digest(cert, EVP_sha1(), md, &len);
    ossl::Asn1OctetStringPtr ski(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(ski.get(), md, static_cast<int>(len));
    if (X509_add1_ext_i2d(cert, NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
        throw Error(errors::signing_failed, "SKI: " + ossl::last_error());
    }
    const ASN1_OCTET_STRING* issuer_ski =
        issuer ? X509_get0_subject_key_id(const_cast<X509*>(issuer)) : ski.get();
    if (issuer_ski == nullptr) {
        throw Error(errors::signing_failed, "issuer has no subject key identifier");
    }
    std::unique_ptr<AUTHORITY_KEYID, ossl::Deleter<AUTHORITY_KEYID_free>> akid(
        AUTHORITY_KEYID_new());
    akid->keyid = ASN1_OCTET_STRING_dup(issuer_ski);
    if (X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
        throw Error(errors::signing_failed, "AKI: " + ossl::last_error());
    }
}
}  // namespace

ossl::Asn1IntegerPtr random_serial() {
    Bytes bytes = ossl::random_bytes(16);
    bytes[0] &= 0x7f;  // positive
    bytes[0] |= 0x40;  // and always 16 bytes long, so no leading-zero trimming
    ossl::BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    return ossl::Asn1IntegerPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr));
}

CertificateAuthority::CertificateAuthority(config::TrustCenterConfig config,
                                           CertificateStore* store)
    : config_(std::move(config)), store_(store) {}

ossl::X509NamePtr CertificateAuthority::ca_name(const std::string& common_name) const {
    ossl::X509NamePtr name(X509_NAME_new());
    auto entry = [&](int nid, const std::string& value) {
        X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0);
    };
    entry(NID_countryName, config_.country);
    entry(NID_organizationName, config_.organization);
    entry(NID_commonName, common_name);
    return name;
}

ossl::X509Ptr CertificateAuthority::finish(X509* tbs, IssuerKey issuer, CertificateRole role) {
    auto cert = sign_certificate(tbs, issuer.signer);
    if (store_ != nullptr) {
        const X509* issuer_cert = role == CertificateRole::root_ca ? nullptr : issuer.certificate;
        store_->record(cert.get(), role, issuer_cert, now());
    }
    return cert;
}

void CertificateAuthority::add_root_crl(X509* cert) const {
    if (!config_.urls.root_crl.empty()) {
        add(cert, NID_crl_distribution_points, "URI:" + config_.urls.root_crl);
    }
}

ossl::X509Ptr CertificateAuthority::create_root(crypto::Signer& key, const Validity& validity) {
    auto name = ca_name(config_.name + " Root CA");
    auto cert = new_certificate(name.get(), key.public_key(), validity);
    X509_set_issuer_name(cert.get(), name.get());
    add(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add(cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_key_identifiers(cert.get(), nullptr);
    return finish(cert.get(), IssuerKey{cert.get(), key}, CertificateRole::root_ca);
}

ossl::X509Ptr CertificateAuthority::create_issuing_ca(IssuerKey root, EVP_PKEY* key,
                                                      const Validity& validity) {
    auto name = ca_name(config_.name + " Qualified CA 1");
    auto cert = new_certificate(name.get(), key, validity);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(root.certificate));
    add(cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add(cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_policies(cert.get(), {oid::qcp_n_qscd, config_.policy_oid});
    add_root_crl(cert.get());
    add_key_identifiers(cert.get(), root.certificate);
    return finish(cert.get(), root, CertificateRole::issuing_ca);
}

ossl::X509Ptr CertificateAuthority::create_ocsp_signer(IssuerKey issuing_ca, EVP_PKEY* key,
                                                       const Validity& validity) {
    auto name = ca_name(config_.name + " OCSP Responder 1");
    auto cert = new_certificate(name.get(), key, validity);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuing_ca.certificate));
    add(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add(cert.get(), NID_key_usage, "critical,digitalSignature");
    add(cert.get(), NID_ext_key_usage, "critical,OCSPSigning");
    // Clients need not ask for the responder's own status (RFC 6960 4.2.2.2.1).
    add(cert.get(), NID_id_pkix_OCSP_noCheck, "ignored");
    add_key_identifiers(cert.get(), issuing_ca.certificate);
    return finish(cert.get(), issuing_ca, CertificateRole::ocsp_signer);
}

ossl::X509Ptr CertificateAuthority::create_tls_server(IssuerKey root, EVP_PKEY* key,
                                                      const std::vector<std::string>& dns_names,
                                                      const std::vector<std::string>& ip_addresses,
                                                      const Validity& validity) {
    if (dns_names.empty()) {
        throw std::invalid_argument("a TLS certificate needs a DNS name");
    }
    auto name = ca_name(dns_names.front());
    auto cert = new_certificate(name.get(), key, validity);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(root.certificate));
    std::string san;
    for (const auto& dns : dns_names) {
        san += (san.empty() ? "DNS:" : ",DNS:") + dns;
    }
    for (const auto& ip : ip_addresses) {
        san += ",IP:" + ip;
    }
    add(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add(cert.get(), NID_ext_key_usage, "serverAuth");
    add(cert.get(), NID_subject_alt_name, san);
    add_root_crl(cert.get());
    add_key_identifiers(cert.get(), root.certificate);
    return finish(cert.get(), root, CertificateRole::tls);
}

ossl::X509Ptr CertificateAuthority::issue_qualified(IssuerKey issuing_ca, EVP_PKEY* holder_key,
                                                    const HolderProfile& profile,
                                                    std::optional<Validity> validity) {
    const Seconds start = now();
    const Validity v = validity.value_or(
        Validity{start, start + std::chrono::days(config_.policy.certificate_validity_days)});
    auto subject = holder_subject(profile);
    auto cert = new_certificate(subject.get(), holder_key, v);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuing_ca.certificate));
    add(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add(cert.get(), NID_key_usage, "critical,nonRepudiation");
    add_policies(cert.get(), {oid::qcp_n_qscd, config_.policy_oid});
    add(cert.get(), NID_crl_distribution_points, "URI:" + config_.urls.crl);
    add(cert.get(), NID_info_access,
        fmt::format("OCSP;URI:{},caIssuers;URI:{}", config_.urls.ocsp, config_.urls.ca_issuers));
    add(cert.get(), qc_statements_extension(qualified_esign_statements(
                        config_.urls.pds_en, config_.urls.pds_de, profile.limit_value)));
    for (auto& ext : attribute_extensions(profile)) {
        add(cert.get(), std::move(ext));
    }
    add_key_identifiers(cert.get(), issuing_ca.certificate);
    return finish(cert.get(), issuing_ca, CertificateRole::holder);
}

}  // namespace sigcard::pki
