// The OCSP responder: good, revoked with reason, on hold, unknown, foreign issuer, bad requests.
#include "pki/ocsp_responder.hpp"
#include "pki/revocation.hpp"
#include "pki_fixture.hpp"

#include <gtest/gtest.h>

namespace sigcard::pki {
namespace {

using testing::now;
using testing::TrustCenter;

ossl::Bytes request_for(const X509* cert, const X509* issuer, bool nonce = true) {
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_to_id(EVP_sha1(), cert, issuer));
    if (nonce) {
        OCSP_request_add1_nonce(request.get(), nullptr, 16);
    }
    const int len = i2d_OCSP_REQUEST(request.get(), nullptr);
    ossl::Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_OCSP_REQUEST(request.get(), &p);
    return out;
}

struct Answer {
    int response_status = -1;
    int cert_status = -1;
    int reason = -1;
    bool signature_ok = false;
    bool nonce_echoed = false;
};

class Ocsp : public ::testing::Test {
protected:
    Answer ask(const X509* cert, const X509* issuer) {
        const auto request_der = request_for(cert, issuer);
        const auto response_der = responder(request_der, now());
        Answer a;
        const unsigned char* p = response_der.data();
        ossl::OcspResponsePtr response(
            d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response_der.size())));
        if (!response) {
            return a;
        }
        a.response_status = OCSP_response_status(response.get());
        ossl::OcspBasicResponsePtr basic(OCSP_response_get1_basic(response.get()));
        if (!basic) {
            return a;
        }
        ossl::X509StorePtr anchors(X509_STORE_new());
        X509_STORE_add_cert(anchors.get(), tc.root.get());
        ossl::X509StackPtr untrusted(sk_X509_new_null());
        X509_up_ref(tc.issuing.get());
        sk_X509_push(untrusted.get(), tc.issuing.get());
        a.signature_ok = OCSP_basic_verify(basic.get(), untrusted.get(), anchors.get(), 0) == 1;
        const unsigned char* q = request_der.data();
        ossl::OcspRequestPtr request(
            d2i_OCSP_REQUEST(nullptr, &q, static_cast<long>(request_der.size())));
        a.nonce_echoed = OCSP_check_nonce(request.get(), basic.get()) == 1;
        OCSP_SINGLERESP* single = OCSP_resp_get0(basic.get(), 0);
        ASN1_GENERALIZEDTIME *revtime = nullptr, *thisupd = nullptr, *nextupd = nullptr;
        a.cert_status = OCSP_single_get0_status(single, &a.reason, &revtime, &thisupd, &nextupd);
        EXPECT_NE(thisupd, nullptr);
        EXPECT_NE(nextupd, nullptr);
        return a;
    }

    int status_only(const ossl::Bytes& request) {
        const auto response_der = responder(request, now());
        const unsigned char* p = response_der.data();
        ossl::OcspResponsePtr response(
            d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response_der.size())));
        return response ? OCSP_response_status(response.get()) : -1;
    }

    TrustCenter tc;
    OcspResponder responder{tc.store, tc.issuing.get(), tc.ocsp.get(), tc.ocsp_key};
};

TEST_F(Ocsp, GoodCertificateIsGoodAndResponseVerifiesWithNonce) {
    auto cert = tc.issue();
    const Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_TRUE(a.signature_ok);
    EXPECT_TRUE(a.nonce_echoed);
}

TEST_F(Ocsp, RevokedCertificateCarriesReason) {
    auto cert = tc.issue();
    revoke(tc.store, serial_hex(cert.get()), RevocationReason::key_compromise, now());
    const Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(a.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    EXPECT_TRUE(a.signature_ok);
}

TEST_F(Ocsp, HeldCertificateIsRevokedWithCertificateHoldAndGoodAfterRelease) {
    auto cert = tc.issue();
    place_on_hold(tc.store, serial_hex(cert.get()), now());
    Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(a.reason, OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    release_hold(tc.store, serial_hex(cert.get()));
    a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_GOOD);
}

TEST_F(Ocsp, UnknownSerialIsUnknown) {
    // Issued without a store: the CA never recorded it.
    CertificateAuthority unrecorded(testing::test_config(), nullptr);
    auto key = crypto::SoftwareSigner::generate_ec();
    auto cert = unrecorded.issue_qualified(tc.issuer(), key.public_key(), testing::lawyer());
    const Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_UNKNOWN);
    EXPECT_TRUE(a.signature_ok);
}

TEST_F(Ocsp, ForeignIssuerWithIdenticalNameIsUnknown) {
    TrustCenter foreign;  // same configuration, so the same CA names, other keys
    auto cert = foreign.issue();
    // The foreign serial is also recorded here, so only the issuer key hash can tell them apart.
    tc.store.record(cert.get(), CertificateRole::holder, tc.issuing.get(), now());
    const Answer a = ask(cert.get(), foreign.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST_F(Ocsp, GarbageEmptyAndTrailingDataAreMalformedRequests) {
    EXPECT_EQ(status_only({}), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    EXPECT_EQ(status_only({0x30, 0x03, 0x02, 0x01}), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    EXPECT_EQ(status_only(ossl::Bytes(100, 0xff)), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    auto cert = tc.issue();
    auto request = request_for(cert.get(), tc.issuing.get());
    request.push_back(0x00);
    EXPECT_EQ(status_only(request), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    // Every truncation of a valid request.
    request.pop_back();
    for (std::size_t n = 1; n < request.size(); ++n) {
        EXPECT_EQ(status_only(ossl::Bytes(request.begin(), request.begin() + static_cast<long>(n))),
                  OCSP_RESPONSE_STATUS_MALFORMEDREQUEST)
            << n;
    }
}

TEST_F(Ocsp, OversizedRequestIsMalformed) {
    ossl::Bytes big(64 * 1024 + 1, 0x30);
    EXPECT_EQ(status_only(big), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
}

}  // namespace
}  // namespace sigcard::pki
