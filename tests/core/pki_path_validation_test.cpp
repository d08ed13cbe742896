// Path validation: every reason a certificate is refused, from the store and over OCSP.
#include "pki/ocsp_responder.hpp"
#include "pki/path_validation.hpp"
#include "pki/revocation.hpp"
#include "pki_fixture.hpp"

#include <gtest/gtest.h>

namespace sigcard::pki {
namespace {

using testing::now;
using testing::TrustCenter;
using VS = ValidationStatus;
using std::chrono::days;

class PathValidation : public ::testing::Test {
protected:
    PathValidator validator() {
        return PathValidator(tc.store, tc.root.get(), tc.issuing.get(),
                             {testing::test_config().urls.ocsp});
    }
    TrustCenter tc;
};

TEST_F(PathValidation, FreshQualifiedCertificateIsOk) {
    auto cert = tc.issue();
    const auto r = validator().validate(ossl::to_der(cert.get()), now());
    EXPECT_EQ(r.status, VS::ok) << r.detail;
    EXPECT_EQ(r.error(), nullptr);
}

TEST_F(PathValidation, ExpiredAndNotYetValid) {
    auto cert = tc.issue(testing::lawyer(), Validity{now() - days(400), now() - days(30)});
    EXPECT_EQ(validator().validate(cert.get(), now()).status, VS::expired);
    EXPECT_EQ(validator().validate(cert.get(), now()).error()->id, "pki.expired");
    EXPECT_EQ(validator().validate(cert.get(), now() - days(100)).status, VS::ok);
    auto future = tc.issue(testing::lawyer(), Validity{now() + days(2), now() + days(400)});
    EXPECT_EQ(validator().validate(future.get(), now()).status, VS::not_yet_valid);
}

TEST_F(PathValidation, RevokedCarriesReasonAndTime) {
    auto cert = tc.issue();
    const Seconds at = now();
    revoke(tc.store, ossl::serial_hex(cert.get()), RevocationReason::affiliation_changed, at);
    const auto r = validator().validate(cert.get(), now());
    EXPECT_EQ(r.status, VS::revoked);
    EXPECT_EQ(r.reason, RevocationReason::affiliation_changed);
    EXPECT_EQ(r.revoked_at, at);
    EXPECT_EQ(r.error()->id, "pki.revoked");
}

TEST_F(PathValidation, OnHoldThenReleased) {
    auto cert = tc.issue();
    place_on_hold(tc.store, ossl::serial_hex(cert.get()), now());
    EXPECT_EQ(validator().validate(cert.get(), now()).status, VS::on_hold);
    release_hold(tc.store, ossl::serial_hex(cert.get()));
    EXPECT_EQ(validator().validate(cert.get(), now()).status, VS::ok);
}

TEST_F(PathValidation, ForeignCaWithIdenticalSubjectNamesIsNotOurs) {
    TrustCenter foreign;  // same names, other keys
    auto cert = foreign.issue();
    ASSERT_EQ(
        X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(tc.issuing.get())),
        0);
    const auto r = validator().validate(cert.get(), now());
    EXPECT_EQ(r.status, VS::not_issued_by_this_ca) << r.detail;
}

TEST_F(PathValidation, WrongKeyUsage) {
    // The OCSP signer and the portal's TLS certificate are not qualified signing certificates.
    EXPECT_EQ(validator().validate(tc.ocsp.get(), now()).status, VS::wrong_key_usage);
    auto tls_key = crypto::SoftwareSigner::generate_ec();
    auto tls = tc.ca.create_tls_server({tc.root.get(), tc.root_key}, tls_key.public_key(),
                                       {"localhost"}, {"127.0.0.1"}, testing::years(1));
    EXPECT_EQ(validator().validate(tls.get(), now()).status,
              VS::not_issued_by_this_ca);  // issued by the root
}

TEST_F(PathValidation, WithoutTheQualifiedPolicyItIsNoQualifiedSigningCertificate) {
    // Our CA's signature, nonRepudiation and QcCompliance, but no QCP-n-qscd policy.
    auto cert = tc.issue();
    X509_EXTENSION_free(
        X509_delete_ext(cert.get(), X509_get_ext_by_NID(cert.get(), NID_certificate_policies, -1)));
    ASSERT_GT(X509_sign(cert.get(), tc.issuing_key.private_key(), EVP_sha256()), 0);
    EXPECT_EQ(validator().validate(cert.get(), now()).status, VS::wrong_key_usage);
    EXPECT_EQ(validator().validate(tc.issue().get(), now()).status, VS::ok);
}

TEST_F(PathValidation, BrokenSignature) {
    auto der = ossl::to_der(tc.issue().get());
    der[der.size() - 3] ^= 0x01;  // inside the ECDSA signature's last INTEGER
    const auto r = validator().validate(der, now());
    EXPECT_EQ(r.status, VS::bad_signature);
}

TEST_F(PathValidation, RemembersOnlyCertificatesWhoseSignatureVerified) {
    const auto v = validator();
    auto cert = tc.issue();
    const auto der = ossl::to_der(cert.get());
    EXPECT_EQ(v.verified_certificate(der), nullptr);
    ASSERT_EQ(v.validate(der, now()).status, VS::ok);
    const auto known = v.verified_certificate(der);
    ASSERT_NE(known, nullptr);
    EXPECT_EQ(ossl::to_der(known.get()), der);
    EXPECT_NE(X509_get0_pubkey(known.get()), nullptr);  // parsed with its key

    // A broken signature is refused every time and never remembered.
    auto broken = der;
    broken[broken.size() - 3] ^= 0x01;
    EXPECT_EQ(v.validate(broken, now()).status, VS::bad_signature);
    EXPECT_EQ(v.validate(broken, now()).status, VS::bad_signature);
    EXPECT_EQ(v.verified_certificate(broken), nullptr);
}

TEST_F(PathValidation, RememberedCertificateIsStillCheckedForTimeAndStatus) {
    const auto v = validator();
    auto cert = tc.issue(testing::lawyer(), Validity{now() - days(400), now() + days(30)});
    ASSERT_EQ(v.validate(cert.get(), now()).status, VS::ok);
    ASSERT_NE(v.verified_certificate(ossl::to_der(cert.get())), nullptr);
    // The memo spares the CA signature check only: validity and status are read each time.
    EXPECT_EQ(v.validate(cert.get(), now() + days(31)).status, VS::expired);
    place_on_hold(tc.store, ossl::serial_hex(cert.get()), now());
    EXPECT_EQ(v.validate(cert.get(), now()).status, VS::on_hold);
}

TEST(VerifiedCertificates, FindsExactBytesOnlyAndDropsTheOldestWhenFull) {
    TrustCenter tc;
    VerifiedCertificates memo(2);
    std::vector<ossl::X509Ptr> certs;
    std::vector<ossl::Bytes> ders;
    for (int i = 0; i < 3; ++i) {
        certs.push_back(tc.issue());
        ders.push_back(ossl::to_der(certs.back().get()));
    }
    memo.remember(ders[0], certs[0].get());
    memo.remember(ders[1], certs[1].get());
    EXPECT_EQ(memo.find(ders[0]).get(), certs[0].get());
    auto changed = ders[0];
    changed[changed.size() / 2] ^= 0x01;
    EXPECT_EQ(memo.find(changed), nullptr);
    memo.remember(ders[2], certs[2].get());  // full: the first one goes
    EXPECT_EQ(memo.size(), 2u);
    EXPECT_EQ(memo.find(ders[0]), nullptr);
    EXPECT_EQ(memo.find(ders[1]).get(), certs[1].get());
    EXPECT_EQ(memo.find(ders[2]).get(), certs[2].get());
    memo.remember(ders[2], certs[2].get());  // again: no change
    EXPECT_EQ(memo.size(), 2u);
    EXPECT_NE(memo.find(ders[1]), nullptr);
}

TEST_F(PathValidation, UnrecordedCertificateIsUnknownToThisCa) {
    CertificateAuthority unrecorded(testing::test_config(), nullptr);
    auto key = crypto::SoftwareSigner::generate_ec();
    auto cert = unrecorded.issue_qualified(tc.issuer(), key.public_key(), testing::lawyer());
    EXPECT_EQ(validator().validate(cert.get(), now()).status, VS::unknown_to_this_ca);
}

TEST_F(PathValidation, MalformedDerNeverCrashes) {
    auto der = ossl::to_der(tc.issue().get());
    EXPECT_EQ(validator().validate(ossl::Bytes{}, now()).status, VS::malformed);
    EXPECT_EQ(validator().validate(ossl::Bytes(50, 0x30), now()).status, VS::malformed);
    for (std::size_t n = 0; n < der.size(); n += 7) {
        const ossl::Bytes part(der.begin(), der.begin() + static_cast<long>(n));
        EXPECT_EQ(validator().validate(part, now()).status, VS::malformed) << n;
    }
    for (std::size_t i = 0; i < der.size(); i += 5) {  // flipped bytes: refused, never ok
        auto changed = der;
        changed[i] ^= 0x5a;
        EXPECT_NE(validator().validate(changed, now()).status, VS::ok) << i;
    }
}

// Certificates whose AIA names another responder: asked over OCSP through the transport.
class PathValidationOverOcsp : public PathValidation {
protected:
    static constexpr const char* elsewhere = "http://ocsp.elsewhere.example/";
    PathValidationOverOcsp()
        : remote_db("sqlite:" + (tc.dir.path() / "remote.db").string(), 1),
          remote_store(remote_db),
          remote_ca(testing::test_config(elsewhere), &remote_store) {
        remote_db.migrate();
    }
    PathValidator validator_with(OcspTransport transport) {
        return PathValidator(tc.store, tc.root.get(), tc.issuing.get(),
                             {testing::test_config().urls.ocsp}, std::move(transport));
    }
    OcspTransport to_remote() {
        return [this](const std::string& url, const ossl::Bytes& request) {
            asked_url = url;
            return remote_responder(request, now());
        };
    }
    storage::Database remote_db;
    CertificateStore remote_store;
    CertificateAuthority remote_ca;
    OcspResponder remote_responder{remote_store, tc.issuing.get(), tc.ocsp.get(), tc.ocsp_key};
    std::string asked_url;
};

TEST_F(PathValidationOverOcsp, GoodThenRevokedFromTheRemoteResponder) {
    auto key = crypto::SoftwareSigner::generate_ec();
    auto cert = remote_ca.issue_qualified(tc.issuer(), key.public_key(), testing::lawyer());
    auto v = validator_with(to_remote());
    auto r = v.validate(cert.get(), now());
    EXPECT_EQ(r.status, VS::ok) << r.detail;
    EXPECT_EQ(asked_url, elsewhere);
    revoke(remote_store, ossl::serial_hex(cert.get()), RevocationReason::key_compromise, now());
    r = v.validate(cert.get(), now());
    EXPECT_EQ(r.status, VS::revoked);
    EXPECT_EQ(r.reason, RevocationReason::key_compromise);
}

TEST_F(PathValidationOverOcsp, UnreachableOrForgedResponderMeansStatusUnavailable) {
    auto key = crypto::SoftwareSigner::generate_ec();
    auto cert = remote_ca.issue_qualified(tc.issuer(), key.public_key(), testing::lawyer());
    EXPECT_EQ(validator_with({}).validate(cert.get(), now()).status,
              VS::revocation_status_unavailable);
    auto unreachable = [](const std::string&, const ossl::Bytes&) -> ossl::Bytes {
        throw std::runtime_error("down");
    };
    EXPECT_EQ(validator_with(unreachable).validate(cert.get(), now()).status,
              VS::revocation_status_unavailable);
    auto garbage = [](const std::string&, const ossl::Bytes&) { return ossl::Bytes(40, 0x30); };
    EXPECT_EQ(validator_with(garbage).validate(cert.get(), now()).status,
              VS::revocation_status_unavailable);
    // A responder signing with a key our CA never certified.
    TrustCenter foreign;
    OcspResponder forged(remote_store, tc.issuing.get(), foreign.ocsp.get(), foreign.ocsp_key);
    auto forged_transport = [&](const std::string&, const ossl::Bytes& request) {
        return forged(request, now());
    };
    EXPECT_EQ(validator_with(forged_transport).validate(cert.get(), now()).status,
              VS::revocation_status_unavailable);
    // A stale response (produced two days ago, valid for an hour).
    auto stale = [this](const std::string&, const ossl::Bytes& request) {
        return remote_responder(request, now() - days(2));
    };
    EXPECT_EQ(validator_with(stale).validate(cert.get(), now()).status,
              VS::revocation_status_unavailable);
}

}  // namespace
}  // namespace sigcard::pki
