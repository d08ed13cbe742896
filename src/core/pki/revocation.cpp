#include "pki/revocation.hpp"

#include "crypto/der.hpp"
#include "pki/external_signing.hpp"
#include "pki/pki_errors.hpp"

namespace sigcard::pki {

namespace {
using ossl::Bytes;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, ossl::Deleter<X509_REVOKED_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>>;

[[noreturn]] void refuse(CertificateStore& store, std::string_view serial,
                         const ErrorCode& otherwise) {
    if (!store.find(serial)) {
        throw Error(errors::unknown_certificate, std::string(serial));
    }
    throw Error(otherwise, std::string(serial));
}

template <typename T, auto I2d>
Bytes encode(T* value) {
    const int len = I2d(value, nullptr);
    if (len <= 0) {
        throw Error(errors::signing_failed, "CRL encoding: " + ossl::last_error());
    }
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    I2d(value, &p);
    return out;
}

Bytes time_der(Seconds t) {
    ossl::Asn1TimePtr time(ASN1_TIME_set(nullptr, t.time_since_epoch().count()));
    return encode<ASN1_TIME, i2d_ASN1_TIME>(time.get());
}

Bytes revoked_entry(const CertificateRecord& record) {
    X509RevokedPtr entry(X509_REVOKED_new());
    ossl::BignumPtr bn;
    BIGNUM* raw = nullptr;
    BN_hex2bn(&raw, record.serial.c_str());
    bn.reset(raw);
    ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    ossl::Asn1TimePtr date(
        ASN1_TIME_set(nullptr, record.revoked_at.value_or(Seconds{}).time_since_epoch().count()));
    X509_REVOKED_set_serialNumber(entry.get(), serial.get());
    X509_REVOKED_set_revocationDate(entry.get(), date.get());
    // RFC 5280 5.3.1: reasonCode unspecified SHOULD be absent.
    if (record.reason && *record.reason != RevocationReason::unspecified) {
        Asn1EnumeratedPtr reason(ASN1_ENUMERATED_new());
        ASN1_ENUMERATED_set(reason.get(), static_cast<long>(*record.reason));
        X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, reason.get(), 0, 0);
    }
    return encode<X509_REVOKED, i2d_X509_REVOKED>(entry.get());
}

Bytes extension_der(int nid, void* value) {
    ossl::X509ExtensionPtr ext(X509V3_EXT_i2d(nid, 0, value));
    if (!ext) {
        throw Error(errors::signing_failed, "CRL extension: " + ossl::last_error());
    }
    return encode<X509_EXTENSION, i2d_X509_EXTENSION>(ext.get());
}
}  // namespace

void revoke(CertificateStore& store, std::string_view serial, RevocationReason reason, Seconds at) {
    if (reason == RevocationReason::certificate_hold) {
        place_on_hold(store, serial, at);
        return;
    }
    if (!store.change_status(serial, {CertificateStatus::good, CertificateStatus::on_hold},
                             CertificateStatus::revoked, reason, at)) {
        refuse(store, serial, errors::already_revoked);
    }
}

void place_on_hold(CertificateStore& store, std::string_view serial, Seconds at) {
    if (!store.change_status(serial, {CertificateStatus::good}, CertificateStatus::on_hold,
                             RevocationReason::certificate_hold, at)) {
        refuse(store, serial, errors::already_revoked);
    }
}

void release_hold(CertificateStore& store, std::string_view serial) {
    if (!store.change_status(serial, {CertificateStatus::on_hold}, CertificateStatus::good,
                             std::nullopt, std::nullopt)) {
        refuse(store, serial, errors::not_on_hold);
    }
}

ossl::X509CrlPtr publish_crl(CertificateStore& store, IssuerKey issuing_ca, Seconds this_update,
                             Seconds next_update) {
    const std::string issuer_serial = ossl::serial_hex(issuing_ca.certificate);
    const long number = store.next_crl_number(issuer_serial);

    Bytes entries;
    for (const auto& record : store.revoked_by(issuer_serial)) {
        const Bytes entry = revoked_entry(record);
        entries.insert(entries.end(), entry.begin(), entry.end());
    }

    std::unique_ptr<AUTHORITY_KEYID, ossl::Deleter<AUTHORITY_KEYID_free>> akid(
        AUTHORITY_KEYID_new());
    akid->keyid =
        ASN1_OCTET_STRING_dup(X509_get0_subject_key_id(const_cast<X509*>(issuing_ca.certificate)));
    ossl::Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
    ASN1_INTEGER_set(crl_number.get(), number);
    const Bytes extensions = der::concat({extension_der(NID_authority_key_identifier, akid.get()),
                                          extension_der(NID_crl_number, crl_number.get())});

    Bytes tbs_content = der::concat(
        {der::integer(1), signature_algorithm(issuing_ca.signer),
         encode<X509_NAME, i2d_X509_NAME>(X509_get_subject_name(issuing_ca.certificate)),
         time_der(this_update), time_der(next_update)});
    if (!entries.empty()) {
        tbs_content = der::concat({tbs_content, der::tlv(der::tag::sequence, entries)});
    }
    tbs_content = der::concat(
        {tbs_content, der::tlv(der::tag::context(0), der::tlv(der::tag::sequence, extensions))});

    auto crl = sign_crl(der::tlv(der::tag::sequence, tbs_content), issuing_ca.signer);
    store.record_crl(issuer_serial, number, this_update, ossl::to_der(crl.get()));
    return crl;
}

}  // namespace sigcard::pki
