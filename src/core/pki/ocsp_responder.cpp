#include "pki/ocsp_responder.hpp"

#include "pki/der.hpp"
#include "pki/external_signing.hpp"

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
}  // namespace

Bytes ocsp_status_response(int status) {
    ossl::OcspResponsePtr response(OCSP_response_create(status, nullptr));
    return encode<OCSP_RESPONSE, i2d_OCSP_RESPONSE>(response.get());
}

OcspResponder::OcspResponder(const CertificateStore& store, const X509* issuing_ca,
                             const X509* responder, crypto::Signer& responder_key, Options options)
    : store_(store),
      issuing_ca_(share(issuing_ca)),
      responder_(share(responder)),
      responder_key_(responder_key),
      options_(options),
      issuer_serial_(serial_hex(issuing_ca)) {}

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

void OcspResponder::add_status(OCSP_BASICRESP* response, OCSP_CERTID* id, ASN1_TIME* this_update,
                               ASN1_TIME* next_update) const {
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* md_object = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(&name_hash, &md_object, &key_hash, &serial, id);

    std::optional<CertificateRecord> record;
    if (const EVP_MD* md = EVP_get_digestbyobj(md_object)) {
        // Compares name hash and key hash: a foreign CA with our name has another key.
        ossl::OcspCertIdPtr ours(OCSP_cert_to_id(md, nullptr, issuing_ca_.get()));
        if (ours && OCSP_id_issuer_cmp(ours.get(), id) == 0) {
            record = store_.find(serial_hex(serial));
        }
    }
    if (!record || record->issuer_serial != issuer_serial_) {
        OCSP_basic_add1_status(response, id, V_OCSP_CERTSTATUS_UNKNOWN, 0, nullptr, this_update,
                               next_update);
        return;
    }
    if (record->status == CertificateStatus::good) {
        OCSP_basic_add1_status(response, id, V_OCSP_CERTSTATUS_GOOD, 0, nullptr, this_update,
                               next_update);
        return;
    }
    ossl::Asn1TimePtr revoked_at(
        ASN1_TIME_set(nullptr, record->revoked_at.value_or(Seconds{}).time_since_epoch().count()));
    const int reason = static_cast<int>(record->reason.value_or(RevocationReason::unspecified));
    OCSP_basic_add1_status(response, id, V_OCSP_CERTSTATUS_REVOKED, reason, revoked_at.get(),
                           this_update, next_update);
}

Bytes OcspResponder::respond(OCSP_REQUEST* request, Seconds now) const {
    // OpenSSL builds the SingleResponses and the nonce; the ResponseData around them is ours,
    // because OpenSSL only fills responderID and producedAt while signing with a private key.
    ossl::OcspBasicResponsePtr draft(OCSP_BASICRESP_new());
    ossl::Asn1TimePtr this_update(ASN1_TIME_set(nullptr, now.time_since_epoch().count()));
    ossl::Asn1TimePtr next_update(
        ASN1_TIME_set(nullptr, (now + options_.validity).time_since_epoch().count()));
    for (int i = 0; i < OCSP_request_onereq_count(request); ++i) {
        add_status(draft.get(), OCSP_onereq_get0_id(OCSP_request_onereq_get0(request, i)),
                   this_update.get(), next_update.get());
    }
    OCSP_copy_nonce(draft.get(), request);

    Bytes singles;
    for (int i = 0; i < OCSP_resp_count(draft.get()); ++i) {
        const Bytes single =
            encode<OCSP_SINGLERESP, i2d_OCSP_SINGLERESP>(OCSP_resp_get0(draft.get(), i));
        singles.insert(singles.end(), single.begin(), single.end());
    }
    Bytes extensions;
    for (int i = 0; i < OCSP_BASICRESP_get_ext_count(draft.get()); ++i) {
        const Bytes ext =
            encode<X509_EXTENSION, i2d_X509_EXTENSION>(OCSP_BASICRESP_get_ext(draft.get(), i));
        extensions.insert(extensions.end(), ext.begin(), ext.end());
    }

    OcspRespIdPtr responder_id(OCSP_RESPID_new());
    if (OCSP_RESPID_set_by_key(responder_id.get(), responder_.get()) != 1) {
        throw std::runtime_error("responder id: " + ossl::last_error());
    }
    GeneralizedTimePtr produced_at(
        ASN1_GENERALIZEDTIME_set(nullptr, now.time_since_epoch().count()));
    Bytes data =
        der::concat({encode<OCSP_RESPID, i2d_OCSP_RESPID>(responder_id.get()),
                     encode<ASN1_GENERALIZEDTIME, i2d_ASN1_GENERALIZEDTIME>(produced_at.get()),
                     der::tlv(der::tag::sequence, singles)});
    if (!extensions.empty()) {
        data = der::concat(
            {data, der::tlv(der::tag::context(1), der::tlv(der::tag::sequence, extensions))});
    }
    auto basic =
        sign_ocsp_response(der::tlv(der::tag::sequence, data), responder_key_, responder_.get());
    ossl::OcspResponsePtr response(
        OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    return encode<OCSP_RESPONSE, i2d_OCSP_RESPONSE>(response.get());
}

}  // namespace sigcard::pki
