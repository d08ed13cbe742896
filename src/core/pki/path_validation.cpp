#include "pki/path_validation.hpp"

#include "pki/pki_errors.hpp"
#include "pki/qc_statements.hpp"

namespace sigcard::pki {

namespace {
using ossl::Bytes;
using Status = ValidationStatus;
using AccessPtr = std::unique_ptr<AUTHORITY_INFO_ACCESS, ossl::Deleter<AUTHORITY_INFO_ACCESS_free>>;

ValidationResult result(Status status, std::string detail = {}) {
    return ValidationResult{status, {}, {}, std::move(detail)};
}

ossl::X509Ptr share(const X509* cert) {
    X509_up_ref(const_cast<X509*>(cert));
    return ossl::X509Ptr(const_cast<X509*>(cert));
}

std::optional<std::string> ocsp_url(const X509* cert) {
    AccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
        X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr)));
    for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
        const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
        if (OBJ_obj2nid(ad->method) == NID_ad_OCSP && ad->location->type == GEN_URI) {
            const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
            return std::string(reinterpret_cast<const char*>(uri->data),
                               static_cast<std::size_t>(uri->length));
        }
    }
    return std::nullopt;
}

// Whether the certificate states the qualified policy QCP-n-qscd (ETSI EN 319 411-2).
bool has_qualified_policy(const X509* cert) {
    std::unique_ptr<CERTIFICATEPOLICIES, ossl::Deleter<CERTIFICATEPOLICIES_free>> policies(
        static_cast<CERTIFICATEPOLICIES*>(
            X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr)));
    if (!policies) {
        return false;
    }
    const ossl::Asn1ObjectPtr qualified(OBJ_txt2obj(oid::qcp_n_qscd, 1));
    for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i) {
        if (OBJ_cmp(sk_POLICYINFO_value(policies.get(), i)->policyid, qualified.get()) == 0) {
            return true;
        }
    }
    return false;
}

// A qualified signature certificate: nonRepudiation alone, critical, the qualified policy and
// QcCompliance.
bool is_qualified_signing(const X509* cert) {
    const int index = X509_get_ext_by_NID(cert, NID_key_usage, -1);
    if (index < 0 || !X509_EXTENSION_get_critical(X509_get_ext(cert, index)) ||
        X509_get_key_usage(const_cast<X509*>(cert)) != KU_NON_REPUDIATION ||
        !has_qualified_policy(cert)) {
        return false;
    }
    try {
        auto statements = read_qc_statements(cert);
        return statements && statements->compliance;
    } catch (const Error&) {
        return false;
    }
}

ValidationResult revoked_result(int status, int reason, const ASN1_GENERALIZEDTIME* when) {
    const bool hold = reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD;
    ValidationResult r = result(hold ? Status::on_hold : Status::revoked);
    if (status == V_OCSP_CERTSTATUS_REVOKED && reason >= 0) {
        r.reason = static_cast<RevocationReason>(reason);
    }
    if (when != nullptr) {
        r.revoked_at = ossl::to_seconds(when);
    }
    return r;
}
}  // namespace

const ErrorCode* ValidationResult::error() const {
    switch (status) {
        case Status::ok:
            return nullptr;
        case Status::malformed:
            return &errors::certificate_malformed;
        case Status::not_issued_by_this_ca:
            return &errors::not_issued_by_this_ca;
        case Status::bad_signature:
            return &errors::bad_signature;
        case Status::not_yet_valid:
            return &errors::not_yet_valid;
        case Status::expired:
            return &errors::expired;
        case Status::revoked:
            return &errors::revoked;
        case Status::on_hold:
            return &errors::on_hold;
        case Status::wrong_key_usage:
            return &errors::wrong_key_usage;
        case Status::unknown_to_this_ca:
            return &errors::unknown_to_this_ca;
        case Status::revocation_status_unavailable:
            return &errors::revocation_status_unavailable;
    }
    return &errors::certificate_malformed;
}

PathValidator::PathValidator(const CertificateStore& store, const X509* root,
                             const X509* issuing_ca, Options options, OcspTransport transport)
    : store_(store),
      root_(share(root)),
      issuing_ca_(share(issuing_ca)),
      options_(std::move(options)),
      transport_(std::move(transport)),
      verified_(std::make_shared<VerifiedCertificates>(options_.remembered_certificates)) {}

ValidationResult PathValidator::validate(std::span<const std::uint8_t> der, Seconds at) const {
    auto cert = ossl::x509_from_der(der);
    if (!cert) {
        return result(Status::malformed, "not a DER certificate");
    }
    return validate(cert.get(), at);
}

ValidationResult PathValidator::validate(const X509* cert, Seconds at) const {
    bool store_status_pending = false;
    auto result = validate_before_status(cert, at, store_status_pending);
    if (!store_status_pending) {
        return result;
    }
    return status_from_record(cert, store_.find(ossl::serial_hex(cert)));
}

ValidationResult PathValidator::validate_before_status(const X509* cert, Seconds at,
                                                       bool& store_status_pending) const {
    store_status_pending = false;
    X509* c = const_cast<X509*>(cert);
    // Names and key identifiers first: a foreign CA may copy our names, never our key.
    const int issued = X509_check_issued(issuing_ca_.get(), c);
    if (issued != X509_V_OK) {
        return result(Status::not_issued_by_this_ca, X509_verify_cert_error_string(issued));
    }
    const Bytes der = ossl::to_der(cert);
    if (!verified_->find(der)) {
        if (X509_verify(c, X509_get0_pubkey(issuing_ca_.get())) != 1) {
            ossl::last_error();
            // Without an authority key identifier a foreign CA is indistinguishable from a
            // broken signature.
            const bool claims_our_key = X509_get0_authority_key_id(c) != nullptr;
            return result(claims_our_key ? Status::bad_signature : Status::not_issued_by_this_ca);
        }
        if (X509_get0_pubkey(cert) != nullptr) {
            verified_->remember(der, cert);
        }
    }
    try {
        if (ossl::to_seconds(X509_get0_notBefore(cert)) > at) {
            return result(Status::not_yet_valid);
        }
        if (ossl::to_seconds(X509_get0_notAfter(cert)) < at) {
            return result(Status::expired);
        }
    } catch (const Error&) {
        return result(Status::malformed, "validity");
    }
    if (!is_qualified_signing(cert)) {
        return result(Status::wrong_key_usage);
    }
    const auto url = ocsp_url(cert);
    if (url && *url != options_.own_ocsp_url) {
        return status_over_ocsp(cert, *url, at);
    }
    store_status_pending = true;
    return result(Status::ok);
}

ValidationResult PathValidator::status_from_record(const X509* cert,
                                                   const std::optional<CertificateRecord>& record) {
    if (!record || record->der != ossl::to_der(cert)) {
        return result(Status::unknown_to_this_ca);
    }
    switch (record->status) {
        case CertificateStatus::good:
            return result(Status::ok);
        case CertificateStatus::on_hold:
        case CertificateStatus::revoked: {
            ValidationResult r = result(
                record->status == CertificateStatus::on_hold ? Status::on_hold : Status::revoked);
            r.reason = record->reason;
            r.revoked_at = record->revoked_at;
            return r;
        }
    }
    return result(Status::unknown_to_this_ca);
}

ossl::X509Ptr PathValidator::verified_certificate(std::span<const std::uint8_t> der) const {
    return verified_->find(der);
}

ValidationResult PathValidator::status_over_ocsp(const X509* cert, const std::string& url,
                                                 Seconds at) const {
    if (!transport_) {
        return result(Status::revocation_status_unavailable, "no OCSP transport for " + url);
    }
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuing_ca_.get());
    if (!id || !OCSP_request_add0_id(request.get(), id) ||
        OCSP_request_add1_nonce(request.get(), nullptr, 16) != 1) {
        return result(Status::revocation_status_unavailable, "request: " + ossl::last_error());
    }
    const int len = i2d_OCSP_REQUEST(request.get(), nullptr);
    Bytes request_der(static_cast<std::size_t>(len));
    unsigned char* w = request_der.data();
    i2d_OCSP_REQUEST(request.get(), &w);

    Bytes response_der;
    try {
        response_der = transport_(url, request_der);
    } catch (const std::exception& e) {
        return result(Status::revocation_status_unavailable, std::string("transport: ") + e.what());
    }
    const unsigned char* p = response_der.data();
    ossl::OcspResponsePtr response(
        d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response_der.size())));
    if (!response || OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        ossl::last_error();
        return result(Status::revocation_status_unavailable, "no successful OCSP response");
    }
    ossl::OcspBasicResponsePtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic || OCSP_check_nonce(request.get(), basic.get()) != 1) {
        return result(Status::revocation_status_unavailable, "missing or wrong nonce");
    }
    // The responder must be our CA or delegated by it (OpenSSL checks OCSPSigning on the signer).
    ossl::X509StorePtr anchors(X509_STORE_new());
    X509_STORE_add_cert(anchors.get(), root_.get());
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(anchors.get()), at.time_since_epoch().count());
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    sk_X509_push(untrusted.get(), share(issuing_ca_.get()).release());
    if (OCSP_basic_verify(basic.get(), untrusted.get(), anchors.get(), 0) != 1) {
        return result(Status::revocation_status_unavailable,
                      "response signature: " + ossl::last_error());
    }
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id, &status, &reason, &revoked_at, &this_update,
                              &next_update) != 1) {
        return result(Status::revocation_status_unavailable, "certificate not in response");
    }
    try {
        const Seconds latest = next_update ? ossl::to_seconds(next_update)
                                           : ossl::to_seconds(this_update) + options_.max_response_age;
        if (ossl::to_seconds(this_update) > at + options_.clock_skew ||
            latest < at - options_.clock_skew) {
            return result(Status::revocation_status_unavailable, "response not fresh");
        }
    } catch (const Error&) {
        return result(Status::revocation_status_unavailable, "response times");
    }
    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD:
            return result(Status::ok);
        case V_OCSP_CERTSTATUS_REVOKED:
            return revoked_result(status, reason, revoked_at);
        default:
            return result(Status::unknown_to_this_ca, "responder: unknown");
    }
}

}  // namespace sigcard::pki
