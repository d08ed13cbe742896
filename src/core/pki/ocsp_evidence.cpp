#include "pki/ocsp_evidence.hpp"

namespace sigcard::pki {

namespace {
[[noreturn]] void invalid(const std::string& what) {
    throw Error(errors::invalid_evidence, what + ": " + ossl::last_error());
}

Seconds time_of(const ASN1_GENERALIZEDTIME* time) {
    try {
        return ossl::to_seconds(time);
    } catch (const Error&) {
        invalid("time");
    }
}

ossl::OcspBasicResponsePtr basic_response(std::span<const std::uint8_t> der) {
    const unsigned char* p = der.data();
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response || p != der.data() + der.size()) {
        invalid("not one OCSP response");
    }
    if (const int status = OCSP_response_status(response.get());
        status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        invalid("OCSP response status " + std::to_string(status));
    }
    ossl::OcspBasicResponsePtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        invalid("no BasicOCSPResponse");
    }
    return basic;
}

void check_signed_by(OCSP_BASICRESP* basic, const X509* responder) {
    // Only `responder` may be the signer (NOINTERN: not a certificate the response carries); its
    // chain is the caller's business (NOVERIFY).
    ossl::X509StackPtr signers(sk_X509_new_null());
    ossl::X509StorePtr no_anchors(X509_STORE_new());
    if (!signers || !no_anchors ||
        X509_add_cert(signers.get(), const_cast<X509*>(responder), X509_ADD_FLAG_UP_REF) != 1) {
        invalid("responder certificate");
    }
    if (OCSP_basic_verify(basic, signers.get(), no_anchors.get(), OCSP_NOINTERN | OCSP_NOVERIFY) !=
        1) {
        invalid("not signed by the responder");
    }
}

// The SingleResponse whose CertID is `cert`'s, computed with the hash algorithm each one uses.
OCSP_SINGLERESP* single_for(OCSP_BASICRESP* basic, const X509* cert, const X509* issuer) {
    ossl::OcspCertIdPtr ours;
    const EVP_MD* ours_md = nullptr;
    for (int i = 0; i < OCSP_resp_count(basic); ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(basic, i);
        auto* id = const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single));
        ASN1_OBJECT* md_object = nullptr;
        OCSP_id_get0_info(nullptr, &md_object, nullptr, nullptr, id);
        const EVP_MD* md = EVP_get_digestbyobj(md_object);
        if (md == nullptr) {
            continue;
        }
        if (md != ours_md) {
            ours.reset(OCSP_cert_to_id(md, cert, issuer));
            ours_md = md;
        }
        if (ours && OCSP_id_cmp(ours.get(), id) == 0) {
            return single;
        }
    }
    return nullptr;
}
}  // namespace

EvidenceStatus read_evidence(std::span<const std::uint8_t> der, const X509* cert,
                             const X509* issuer, const X509* responder) {
    const auto basic = basic_response(der);
    check_signed_by(basic.get(), responder);

    EvidenceStatus result;
    result.produced_at = time_of(OCSP_resp_get0_produced_at(basic.get()));
    OCSP_SINGLERESP* single = single_for(basic.get(), cert, issuer);
    if (single == nullptr) {
        return result;
    }
    int reason = OCSP_REVOKED_STATUS_NOSTATUS;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    switch (OCSP_single_get0_status(single, &reason, &revoked_at, nullptr, nullptr)) {
        case V_OCSP_CERTSTATUS_GOOD:
            result.state = EvidenceStatus::State::good;
            break;
        case V_OCSP_CERTSTATUS_REVOKED:
            result.state = reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD
                               ? EvidenceStatus::State::on_hold
                               : EvidenceStatus::State::revoked;
            if (reason != OCSP_REVOKED_STATUS_NOSTATUS) {
                result.reason = static_cast<RevocationReason>(reason);
            }
            result.revoked_at = time_of(revoked_at);
            break;
        default:
            result.state = EvidenceStatus::State::unknown;
    }
    return result;
}

}  // namespace sigcard::pki
