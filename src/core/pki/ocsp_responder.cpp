#include "pki/ocsp_responder.hpp"

#include "crypto/der.hpp"
#include "pki/pki_errors.hpp"

namespace sigcard::pki {

namespace {
using ossl::Bytes;
using OcspRespIdPtr = std::unique_ptr<OCSP_RESPID, ossl::Deleter<OCSP_RESPID_free>>;
using GeneralizedTimePtr =
    std::unique_ptr<ASN1_GENERALIZEDTIME, ossl::Deleter<ASN1_GENERALIZEDTIME_free>>;

template <typename T, auto I2d>
Bytes encode(const T* value) {
    const int len = I2d(const_cast<T*>(value), nullptr);
    if (len <= 0) {
        throw std::runtime_error("OCSP encoding: " + ossl::last_error());
    }
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    I2d(const_cast<T*>(value), &p);
    return out;
}

ossl::X509Ptr share(const X509* cert) {
    X509_up_ref(const_cast<X509*>(cert));
    return ossl::X509Ptr(const_cast<X509*>(cert));
}

void append(Bytes& out, std::span<const std::uint8_t> part) {
    out.insert(out.end(), part.begin(), part.end());
}

Bytes generalized_time(Seconds at) {
    GeneralizedTimePtr time(ASN1_GENERALIZEDTIME_set(nullptr, at.time_since_epoch().count()));
    if (!time) {
        throw std::runtime_error("GeneralizedTime: " + ossl::last_error());
    }
    return encode<ASN1_GENERALIZEDTIME, i2d_ASN1_GENERALIZEDTIME>(time.get());
}

// A CertID (RFC 6960 4.1.1) up to its serialNumber: hashAlgorithm SHA-256, and the SHA-256 of the
// CA's name and of its public key, as OCSP_cert_to_id(EVP_sha256(), …) computes them.
Bytes issuer_id(const X509* ca) {
    const Bytes name = encode<X509_NAME, i2d_X509_NAME>(X509_get_subject_name(ca));
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(ca);
    if (key == nullptr) {
        throw std::runtime_error("issuing CA without public key");
    }
    static const Bytes sha256 =
        der::sequence({der::oid("2.16.840.1.101.3.4.2.1"), der::tlv(der::tag::null, {})});
    return der::concat(
        {sha256, der::tlv(der::tag::octet_string, ossl::sha256(name)),
         der::tlv(der::tag::octet_string,
                  ossl::sha256({key->data, static_cast<std::size_t>(key->length)}))});
}

// ResponderID byKey: the SHA-1 of the responder's public key.
Bytes responder_id(const X509* responder) {
    OcspRespIdPtr id(OCSP_RESPID_new());
    if (!id || OCSP_RESPID_set_by_key(id.get(), const_cast<X509*>(responder)) != 1) {
        throw std::runtime_error("responder id: " + ossl::last_error());
    }
    return encode<OCSP_RESPID, i2d_OCSP_RESPID>(id.get());
}

// thisUpdate and [0] nextUpdate, the same in every SingleResponse of one response.
struct UpdateTimes {
    Bytes this_update;
    Bytes next_update;
};

UpdateTimes update_times(Seconds now, std::chrono::seconds validity) {
    return {generalized_time(now),
            der::tlv(der::tag::context(0), generalized_time(now + validity))};
}

// CertStatus (RFC 6960 4.2.1): good [0] and unknown [2] are IMPLICIT NULL, revoked [1] an
// IMPLICIT RevokedInfo; a certificate on hold is revoked with reason certificateHold.
Bytes cert_status(const CertificateRecord* record) {
    constexpr std::uint8_t good = 0x80, unknown = 0x82;
    if (record == nullptr) {
        return {unknown, 0x00};
    }
    if (record->status == CertificateStatus::good) {
        return {good, 0x00};
    }
    const RevocationReason reason = record->status == CertificateStatus::on_hold
                                        ? RevocationReason::certificate_hold
                                        : record->reason.value_or(RevocationReason::unspecified);
    const Bytes crl_reason{static_cast<std::uint8_t>(reason)};  // every CRLReason fits one octet
    return der::tlv(
        der::tag::context(1),
        der::concat({generalized_time(record->revoked_at.value_or(Seconds{})),
                     der::tlv(der::tag::context(0), der::tlv(der::tag::enumerated, crl_reason))}));
}

Bytes single_response(std::span<const std::uint8_t> cert_id, const CertificateRecord* record,
                      const UpdateTimes& times) {
    return der::sequence({cert_id, cert_status(record), times.this_update, times.next_update});
}

// The request's nonce extension, echoed; empty when it has none.
Bytes nonce(OCSP_REQUEST* request) {
    const int i = OCSP_REQUEST_get_ext_by_NID(request, NID_id_pkix_OCSP_Nonce, -1);
    return i < 0 ? Bytes{}
                 : encode<X509_EXTENSION, i2d_X509_EXTENSION>(OCSP_REQUEST_get_ext(request, i));
}

// OCSPResponse { successful, [0] ResponseBytes { id-pkix-ocsp-basic, OCTET STRING basic } }.
Bytes successful_response(std::span<const std::uint8_t> basic) {
    static const Bytes basic_type = der::oid("1.3.6.1.5.5.7.48.1.1");
    const Bytes successful{static_cast<std::uint8_t>(OCSP_RESPONSE_STATUS_SUCCESSFUL)};
    return der::sequence(
        {der::tlv(der::tag::enumerated, successful),
         der::tlv(der::tag::context(0),
                  der::sequence({basic_type, der::tlv(der::tag::octet_string, basic)}))});
}
}  // namespace

Bytes ocsp_status_response(int status) {
    ossl::OcspResponsePtr response(OCSP_response_create(status, nullptr));
    return encode<OCSP_RESPONSE, i2d_OCSP_RESPONSE>(response.get());
}

OcspResponder::OcspResponder(const CertificateStore& store, const X509* issuing_ca,
                             const X509* responder, crypto::Signer& responder_key, Options options)
    : store_(store),
      issuing_ca_(share(issuing_ca)),
      signer_(responder_key, responder),
      options_(options),
      issuer_serial_(ossl::serial_hex(issuing_ca)),
      issuer_id_(issuer_id(issuing_ca)),
      responder_id_(responder_id(responder)) {}

Bytes OcspResponder::operator()(std::span<const std::uint8_t> request, Seconds now) const {
    if (request.empty() || request.size() > options_.max_request_bytes) {
        return ocsp_status_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    const unsigned char* p = request.data();
    ossl::OcspRequestPtr parsed(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request.size())));
    const int count = parsed ? OCSP_request_onereq_count(parsed.get()) : 0;
    if (!parsed || p != request.data() + request.size() || count <= 0 ||
        static_cast<std::size_t>(count) > options_.max_certificates) {
        ossl::last_error();  // drop the parser's complaints
        return ocsp_status_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    try {
        return respond(parsed.get(), now);
    } catch (const std::exception&) {
        return ocsp_status_response(OCSP_RESPONSE_STATUS_INTERNALERROR);
    }
}

Bytes OcspResponder::attest(std::span<const Attestation> items, Seconds now) const {
    if (items.empty()) {
        throw Error(errors::signing_failed, "OCSP attestation of no certificate");
    }
    try {
        const UpdateTimes times = update_times(now, options_.validity);
        Bytes singles;
        for (const Attestation& item : items) {
            const CertificateRecord* record = attested_record(item);
            const Bytes serial =
                encode<ASN1_INTEGER, i2d_ASN1_INTEGER>(X509_get0_serialNumber(item.certificate));
            append(singles, single_response(der::sequence({issuer_id_, serial}), record, times));
        }
        return signed_response(singles, {}, now);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(errors::signing_failed, e.what());
    }
}

std::optional<CertificateRecord> OcspResponder::requested_record(OCSP_CERTID* id) const {
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* md_object = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(&name_hash, &md_object, &key_hash, &serial, id);
    const EVP_MD* md = EVP_get_digestbyobj(md_object);
    if (md == nullptr) {
        return std::nullopt;
    }
    // Compares name hash and key hash: a foreign CA with our name has another key.
    ossl::OcspCertIdPtr ours(OCSP_cert_to_id(md, nullptr, issuing_ca_.get()));
    if (!ours || OCSP_id_issuer_cmp(ours.get(), id) != 0) {
        return std::nullopt;
    }
    auto record = store_.find(ossl::serial_hex(serial));
    if (!record || record->issuer_serial != issuer_serial_) {
        return std::nullopt;
    }
    return record;
}

const CertificateRecord* OcspResponder::attested_record(const Attestation& item) const {
    // The CertID names this CA as issuer, so a certificate of another CA cannot be stated at all;
    // the caller has validated the certificate against this CA, so that is a bug, as is a row
    // of another certificate.
    if (item.certificate == nullptr ||
        X509_check_issued(issuing_ca_.get(), const_cast<X509*>(item.certificate)) != X509_V_OK) {
        throw Error(errors::not_issued_by_this_ca, "OCSP attestation of a foreign certificate");
    }
    const CertificateRecord* record = item.record;
    if (record != nullptr && record->serial != ossl::serial_hex(item.certificate)) {
        throw Error(errors::signing_failed, "OCSP attestation with the row of another certificate");
    }
    // As over HTTP: without this CA's row for it, the certificate is unknown.
    return record != nullptr && record->issuer_serial == issuer_serial_ ? record : nullptr;
}

Bytes OcspResponder::respond(OCSP_REQUEST* request, Seconds now) const {
    const UpdateTimes times = update_times(now, options_.validity);
    Bytes singles;
    for (int i = 0; i < OCSP_request_onereq_count(request); ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request, i));
        const auto record = requested_record(id);
        // The CertID goes back as the client sent it, with its hash algorithm.
        append(singles, single_response(encode<OCSP_CERTID, i2d_OCSP_CERTID>(id),
                                        record ? &*record : nullptr, times));
    }
    return signed_response(singles, nonce(request), now);
}

Bytes OcspResponder::signed_response(std::span<const std::uint8_t> single_responses,
                                     std::span<const std::uint8_t> extensions, Seconds now) const {
    // ResponseData (RFC 6960 4.2.1), version v1 by default, producedAt = thisUpdate.
    Bytes data = der::concat(
        {responder_id_, generalized_time(now), der::tlv(der::tag::sequence, single_responses)});
    if (!extensions.empty()) {
        append(data, der::tlv(der::tag::context(1), der::tlv(der::tag::sequence, extensions)));
    }
    return successful_response(signer_.sign(der::tlv(der::tag::sequence, data)));
}

}  // namespace sigcard::pki
