// Revocation with RFC 5280 reasons, hold and release, and the CRL that reflects them.
#include "pki/pki_errors.hpp"
#include "pki/revocation.hpp"
#include "pki_fixture.hpp"
#include "support/error_id.hpp"

#include <gtest/gtest.h>

namespace sigcard::pki {
namespace {

using ::sigcard::testing::error_id;

using testing::now;
using testing::TrustCenter;

// The reason code of the CRL entry for `serial`, -2 when not listed, -1 when listed without reason.
int crl_reason(X509_CRL* crl, const X509* cert) {
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_serial(crl, &entry,
                                const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert))) != 1) {
        return -2;
    }
    std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>> reason(
        static_cast<ASN1_ENUMERATED*>(
            X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
    return reason ? static_cast<int>(ASN1_ENUMERATED_get(reason.get())) : -1;
}

TEST(Revocation, RevokesWithReasonAndRecordsTime) {
    TrustCenter tc;
    auto cert = tc.issue();
    const auto serial = ossl::serial_hex(cert.get());
    const Seconds at = now();
    revoke(tc.store, serial, RevocationReason::key_compromise, at);
    auto record = tc.store.find(serial);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->status, CertificateStatus::revoked);
    EXPECT_EQ(record->reason, RevocationReason::key_compromise);
    EXPECT_EQ(record->revoked_at, at);
    EXPECT_EQ(error_id([&] { revoke(tc.store, serial, RevocationReason::superseded, at); }),
              "pki.already_revoked");
    EXPECT_EQ(tc.store.find(serial)->reason, RevocationReason::key_compromise);  // unchanged
}

TEST(Revocation, HoldThenReleaseReturnsToGood) {
    TrustCenter tc;
    auto cert = tc.issue();
    const auto serial = ossl::serial_hex(cert.get());
    place_on_hold(tc.store, serial, now());
    EXPECT_EQ(tc.store.find(serial)->status, CertificateStatus::on_hold);
    EXPECT_EQ(tc.store.find(serial)->reason, RevocationReason::certificate_hold);
    release_hold(tc.store, serial);
    auto record = tc.store.find(serial);
    EXPECT_EQ(record->status, CertificateStatus::good);
    EXPECT_FALSE(record->reason);
    EXPECT_FALSE(record->revoked_at);
    EXPECT_EQ(error_id([&] { release_hold(tc.store, serial); }), "pki.not_on_hold");
}

TEST(Revocation, HeldCertificateCanBeRevokedForGoodButNotReleasedAfterwards) {
    TrustCenter tc;
    auto cert = tc.issue();
    const auto serial = ossl::serial_hex(cert.get());
    revoke(tc.store, serial, RevocationReason::certificate_hold, now());
    EXPECT_EQ(tc.store.find(serial)->status, CertificateStatus::on_hold);
    revoke(tc.store, serial, RevocationReason::cessation_of_operation, now());
    EXPECT_EQ(tc.store.find(serial)->status, CertificateStatus::revoked);
    EXPECT_EQ(error_id([&] { release_hold(tc.store, serial); }), "pki.not_on_hold");
    EXPECT_EQ(error_id([&] { place_on_hold(tc.store, serial, now()); }), "pki.already_revoked");
}

TEST(Revocation, UnknownSerialIsReported) {
    TrustCenter tc;
    EXPECT_EQ(error_id([&] { revoke(tc.store, "abcdef", RevocationReason::unspecified, now()); }),
              "pki.unknown_certificate");
    EXPECT_EQ(error_id([&] { place_on_hold(tc.store, "abcdef", now()); }),
              "pki.unknown_certificate");
    EXPECT_EQ(error_id([&] { release_hold(tc.store, "abcdef"); }), "pki.unknown_certificate");
}

TEST(Crl, ListsRevokedAndHeldButNotReleasedOrGood) {
    TrustCenter tc;
    auto revoked = tc.issue();
    auto held = tc.issue();
    auto released = tc.issue();
    auto good = tc.issue();
    revoke(tc.store, ossl::serial_hex(revoked.get()), RevocationReason::key_compromise, now());
    place_on_hold(tc.store, ossl::serial_hex(held.get()), now());
    place_on_hold(tc.store, ossl::serial_hex(released.get()), now());
    release_hold(tc.store, ossl::serial_hex(released.get()));

    const Seconds this_update = now();
    auto crl =
        publish_crl(tc.store, tc.issuer(), this_update, this_update + std::chrono::hours(24));
    EXPECT_EQ(X509_CRL_verify(crl.get(), tc.issuing_key.public_key()), 1);
    EXPECT_EQ(
        X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(tc.issuing.get())), 0);
    EXPECT_EQ(X509_CRL_get_version(crl.get()), 1);  // v2
    EXPECT_EQ(ossl::to_seconds(X509_CRL_get0_lastUpdate(crl.get())), this_update);
    EXPECT_EQ(ossl::to_seconds(X509_CRL_get0_nextUpdate(crl.get())),
              this_update + std::chrono::hours(24));
    EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 2);
    EXPECT_EQ(crl_reason(crl.get(), revoked.get()), 1);
    EXPECT_EQ(crl_reason(crl.get(), held.get()), 6);
    EXPECT_EQ(crl_reason(crl.get(), released.get()), -2);
    EXPECT_EQ(crl_reason(crl.get(), good.get()), -2);

    std::unique_ptr<ASN1_INTEGER, ossl::Deleter<ASN1_INTEGER_free>> number(
        static_cast<ASN1_INTEGER*>(
            X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
    ASSERT_TRUE(number);
    EXPECT_EQ(ASN1_INTEGER_get(number.get()), 1);
    std::unique_ptr<AUTHORITY_KEYID, ossl::Deleter<AUTHORITY_KEYID_free>> akid(
        static_cast<AUTHORITY_KEYID*>(
            X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, nullptr, nullptr)));
    ASSERT_TRUE(akid && akid->keyid);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(akid->keyid, X509_get0_subject_key_id(tc.issuing.get())), 0);

    auto second =
        publish_crl(tc.store, tc.issuer(), this_update, this_update + std::chrono::hours(24));
    number.reset(static_cast<ASN1_INTEGER*>(
        X509_CRL_get_ext_d2i(second.get(), NID_crl_number, nullptr, nullptr)));
    EXPECT_EQ(ASN1_INTEGER_get(number.get()), 2);
}

TEST(Crl, EmptyCrlHasNoEntries) {
    TrustCenter tc;
    tc.issue();
    auto crl = publish_crl(tc.store, tc.issuer(), now(), now() + std::chrono::hours(1));
    EXPECT_EQ(X509_CRL_get_REVOKED(crl.get()),
              nullptr);  // revokedCertificates absent, as RFC 5280 asks
    EXPECT_EQ(X509_CRL_verify(crl.get(), tc.issuing_key.public_key()), 1);
}

}  // namespace
}  // namespace sigcard::pki
