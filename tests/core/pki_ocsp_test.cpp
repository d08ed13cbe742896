// The OCSP responder: good, revoked with reason, on hold, unknown, foreign issuer, bad requests;
// one response attesting many certificates (revocation evidence for a group of orders), and
// reading such evidence back.
#include "crypto/der.hpp"
#include "encoding/encoding.hpp"
#include "pki/ocsp_evidence.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/revocation.hpp"
#include "pki_fixture.hpp"
#include "support/error_id.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>

namespace sigcard::pki {
namespace {

using ::sigcard::testing::error_id;

using testing::now;
using testing::run;
using testing::TrustCenter;
using State = EvidenceStatus::State;

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
    revoke(tc.store, ossl::serial_hex(cert.get()), RevocationReason::key_compromise, now());
    const Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(a.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    EXPECT_TRUE(a.signature_ok);
}

TEST_F(Ocsp, HeldCertificateIsRevokedWithCertificateHoldAndGoodAfterRelease) {
    auto cert = tc.issue();
    place_on_hold(tc.store, ossl::serial_hex(cert.get()), now());
    Answer a = ask(cert.get(), tc.issuing.get());
    EXPECT_EQ(a.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(a.reason, OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    release_hold(tc.store, ossl::serial_hex(cert.get()));
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

TEST_F(Ocsp, ResponderKeyThatIsNotItsCertificatesGivesInternalError) {
    // The self-check of every signature: a token key that is not the certificate's.
    TrustCenter foreign;
    OcspResponder mismatched(tc.store, tc.issuing.get(), tc.ocsp.get(), foreign.ocsp_key);
    auto cert = tc.issue();
    const auto response_der = mismatched(request_for(cert.get(), tc.issuing.get()), now());
    const unsigned char* p = response_der.data();
    ossl::OcspResponsePtr response(
        d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response_der.size())));
    ASSERT_TRUE(response);
    EXPECT_EQ(OCSP_response_status(response.get()), OCSP_RESPONSE_STATUS_INTERNALERROR);
}

// --- One response for a group of orders: attest() and read_evidence() ---

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

class Attest : public Ocsp {
protected:
    // One good, one revoked (keyCompromise), one on hold — with their records read afterwards,
    // as the order service reads them in the transaction that stores the orders.
    void SetUp() override {
        revoked_at = now() - std::chrono::minutes(10);
        held_at = now() - std::chrono::minutes(5);
        revoke(tc.store, ossl::serial_hex(revoked.get()), RevocationReason::key_compromise, revoked_at);
        place_on_hold(tc.store, ossl::serial_hex(held.get()), held_at);
        for (const X509* cert : {good.get(), revoked.get(), held.get()}) {
            records.push_back(*tc.store.find(ossl::serial_hex(cert)));
        }
        items = {
            {good.get(), &records[0]}, {revoked.get(), &records[1]}, {held.get(), &records[2]}};
    }

    static ossl::OcspBasicResponsePtr basic_of(const ossl::Bytes& der, int* status = nullptr) {
        const unsigned char* p = der.data();
        ossl::OcspResponsePtr response(
            d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
        if (!response || p != der.data() + der.size()) {
            return nullptr;
        }
        if (status != nullptr) {
            *status = OCSP_response_status(response.get());
        }
        return ossl::OcspBasicResponsePtr(OCSP_response_get1_basic(response.get()));
    }

    // The bytes of ResponseData inside a DER OCSPResponse (what the signature covers).
    static std::span<const std::uint8_t> response_data_of(const ossl::Bytes& der) {
        der::Reader response(der::single(der, der::tag::sequence).content);
        response.next(der::tag::enumerated);
        der::Reader bytes(
            der::single(response.next(der::tag::context(0)).content, der::tag::sequence).content);
        bytes.next(der::tag::oid);
        const auto basic =
            der::single(bytes.next(der::tag::octet_string).content, der::tag::sequence);
        return der::Reader(basic.content).next(der::tag::sequence).whole;
    }

    EvidenceStatus read(const ossl::Bytes& der, const X509* cert) const {
        return read_evidence(der, cert, tc.issuing.get(), tc.ocsp.get());
    }

    ossl::X509Ptr good = tc.issue();
    ossl::X509Ptr revoked = tc.issue();
    ossl::X509Ptr held = tc.issue();
    Seconds revoked_at, held_at;
    std::vector<CertificateRecord> records;
    std::vector<OcspResponder::Attestation> items;
    const Seconds at = now();
};

TEST_F(Attest, OneResponseStatesEachCertificateAndVerifies) {
    const auto der = responder.attest(items, at);
    int status = -1;
    const auto basic = basic_of(der, &status);
    ASSERT_TRUE(basic);
    EXPECT_EQ(status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
    EXPECT_EQ(OCSP_resp_count(basic.get()), 3);

    // Against the responder certificate alone, and as a relying party would: chain to the root,
    // delegated by the issuing CA.
    ossl::X509StackPtr responder_only(sk_X509_new_null());
    X509_add_cert(responder_only.get(), tc.ocsp.get(), X509_ADD_FLAG_UP_REF);
    ossl::X509StorePtr none(X509_STORE_new());
    EXPECT_EQ(OCSP_basic_verify(basic.get(), responder_only.get(), none.get(),
                                OCSP_NOINTERN | OCSP_NOVERIFY),
              1)
        << ossl::last_error();
    ossl::X509StorePtr anchors(X509_STORE_new());
    X509_STORE_add_cert(anchors.get(), tc.root.get());
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    X509_add_cert(untrusted.get(), tc.issuing.get(), X509_ADD_FLAG_UP_REF);
    EXPECT_EQ(OCSP_basic_verify(basic.get(), untrusted.get(), anchors.get(), 0), 1)
        << ossl::last_error();

    // Responder certificate included, responderID by key, producedAt = now.
    const STACK_OF(X509)* certs = OCSP_resp_get0_certs(basic.get());
    ASSERT_EQ(sk_X509_num(certs), 1);
    EXPECT_EQ(X509_cmp(sk_X509_value(certs, 0), tc.ocsp.get()), 0);
    const ASN1_OCTET_STRING* key_id = nullptr;
    const X509_NAME* name = nullptr;
    ASSERT_EQ(OCSP_resp_get0_id(basic.get(), &key_id, &name), 1);
    ASSERT_NE(key_id, nullptr);
    unsigned char sha1[EVP_MAX_MD_SIZE];
    unsigned int sha1_len = 0;
    X509_pubkey_digest(tc.ocsp.get(), EVP_sha1(), sha1, &sha1_len);
    EXPECT_EQ(encoding::hex({key_id->data, static_cast<std::size_t>(key_id->length)}),
              encoding::hex({sha1, sha1_len}));
    EXPECT_EQ(ossl::to_seconds(OCSP_resp_get0_produced_at(basic.get())), at);

    struct Expected {
        const X509* cert;
        int status;
        int reason;
        std::optional<Seconds> revoked_at;
    };
    for (const auto& e : {Expected{good.get(), V_OCSP_CERTSTATUS_GOOD, -1, {}},
                          Expected{revoked.get(), V_OCSP_CERTSTATUS_REVOKED,
                                   OCSP_REVOKED_STATUS_KEYCOMPROMISE, revoked_at},
                          Expected{held.get(), V_OCSP_CERTSTATUS_REVOKED,
                                   OCSP_REVOKED_STATUS_CERTIFICATEHOLD, held_at}}) {
        SCOPED_TRACE(ossl::serial_hex(e.cert));
        ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha256(), e.cert, tc.issuing.get()));
        int cert_status = -1, reason = -1;
        ASN1_GENERALIZEDTIME *revtime = nullptr, *this_update = nullptr, *next_update = nullptr;
        ASSERT_EQ(OCSP_resp_find_status(basic.get(), id.get(), &cert_status, &reason, &revtime,
                                        &this_update, &next_update),
                  1);
        EXPECT_EQ(cert_status, e.status);
        EXPECT_EQ(reason, e.reason);
        if (e.revoked_at) {
            ASSERT_NE(revtime, nullptr);
            EXPECT_EQ(ossl::to_seconds(revtime), *e.revoked_at);
        } else {
            EXPECT_EQ(revtime, nullptr);
        }
        ASSERT_NE(this_update, nullptr);
        ASSERT_NE(next_update, nullptr);
        EXPECT_EQ(ossl::to_seconds(this_update), at);
        EXPECT_EQ(ossl::to_seconds(next_update), at + std::chrono::hours(1));
        EXPECT_EQ(OCSP_check_validity(this_update, next_update, 0, -1), 1);
    }
}

TEST_F(Attest, EvidenceReadsBackForEachCertificate) {
    const auto der = responder.attest(items, at);

    const auto g = read(der, good.get());
    EXPECT_EQ(g.state, State::good);
    EXPECT_EQ(g.reason, std::nullopt);
    EXPECT_EQ(g.revoked_at, std::nullopt);
    EXPECT_EQ(g.produced_at, at);

    const auto r = read(der, revoked.get());
    EXPECT_EQ(r.state, State::revoked);
    EXPECT_EQ(r.reason, RevocationReason::key_compromise);
    EXPECT_EQ(r.revoked_at, revoked_at);
    EXPECT_EQ(r.produced_at, at);

    const auto h = read(der, held.get());
    EXPECT_EQ(h.state, State::on_hold);
    EXPECT_EQ(h.reason, RevocationReason::certificate_hold);
    EXPECT_EQ(h.revoked_at, held_at);
}

TEST_F(Attest, ACertificateNotInTheEvidenceIsNotListed) {
    auto other = tc.issue();
    const auto der = responder.attest(items, at);
    const auto status = read(der, other.get());
    EXPECT_EQ(status.state, State::not_listed);
    EXPECT_EQ(status.produced_at, at);
}

TEST_F(Attest, ACertificateWithoutRecordIsStatedUnknown) {
    CertificateAuthority unrecorded(testing::test_config(), nullptr);
    auto key = crypto::SoftwareSigner::generate_ec();
    auto cert = unrecorded.issue_qualified(tc.issuer(), key.public_key(), testing::lawyer());
    const OcspResponder::Attestation unknown[] = {{cert.get(), nullptr}};
    EXPECT_EQ(read(responder.attest(unknown, at), cert.get()).state, State::unknown);
}

TEST_F(Attest, EvidenceReadsTheResponsesGivenOverHttpToo) {
    const auto der = responder(request_for(revoked.get(), tc.issuing.get()), at);
    const auto status = read(der, revoked.get());
    EXPECT_EQ(status.state, State::revoked);
    EXPECT_EQ(status.reason, RevocationReason::key_compromise);
}

TEST_F(Attest, EveryFlippedByteOfTheSignedDataIsInvalidEvidence) {
    const auto der = responder.attest(items, at);
    const auto signed_data = response_data_of(der);
    const auto first = static_cast<std::size_t>(signed_data.data() - der.data());
    ASSERT_GT(signed_data.size(), 300u);
    for (std::size_t i = first; i < first + signed_data.size(); ++i) {
        auto tampered = der;
        tampered[i] ^= 0x01;
        EXPECT_EQ(error_id([&] { read(tampered, good.get()); }), "pki.invalid_evidence") << i;
    }
}

TEST_F(Attest, TruncatedTrailingOrNonSuccessfulEvidenceIsInvalid) {
    auto der = responder.attest(items, at);
    EXPECT_EQ(error_id([&] { read({}, good.get()); }), "pki.invalid_evidence");
    EXPECT_EQ(error_id([&] { read(ossl::Bytes(der.begin(), der.end() - 1), good.get()); }),
              "pki.invalid_evidence");
    der.push_back(0x00);
    EXPECT_EQ(error_id([&] { read(der, good.get()); }), "pki.invalid_evidence");
    EXPECT_EQ(error_id([&] {
                  read(ocsp_status_response(OCSP_RESPONSE_STATUS_INTERNALERROR), good.get());
              }),
              "pki.invalid_evidence");
}

TEST_F(Attest, EvidenceSignedBySomeoneElseIsInvalid) {
    // Another responder for the same CA and certificates (its own delegated certificate)…
    TrustCenter foreign;
    OcspResponder forged(tc.store, tc.issuing.get(), foreign.ocsp.get(), foreign.ocsp_key);
    const auto der = forged.attest(items, at);
    EXPECT_EQ(error_id([&] { read(der, good.get()); }), "pki.invalid_evidence");
    // … valid in itself, just not ours.
    EXPECT_EQ(read_evidence(der, good.get(), tc.issuing.get(), foreign.ocsp.get()).state,
              State::good);
    // The issuing CA's own key is not the responder either.
    EXPECT_EQ(error_id([&] { read_evidence(der, good.get(), tc.issuing.get(), tc.issuing.get()); }),
              "pki.invalid_evidence");
}

TEST_F(Attest, NothingToAttestIsAnError) {
    EXPECT_EQ(error_id([&] { responder.attest({}, at); }), "pki.signing_failed");
}

TEST_F(Attest, ACertificateOfAnotherCaIsAnError) {
    TrustCenter foreign;  // same CA names, other keys
    auto cert = foreign.issue();
    const auto record = foreign.store.find(ossl::serial_hex(cert.get()));
    const OcspResponder::Attestation foreign_item[] = {{cert.get(), &*record}};
    EXPECT_EQ(error_id([&] { responder.attest(foreign_item, at); }), "pki.not_issued_by_this_ca");
}

TEST_F(Attest, TheRecordOfAnotherCertificateIsAnError) {
    const OcspResponder::Attestation mixed_up[] = {{good.get(), &records[1]}};
    EXPECT_EQ(error_id([&] { responder.attest(mixed_up, at); }), "pki.signing_failed");
}

TEST_F(Attest, ResponderKeyThatIsNotItsCertificatesIsAnError) {
    TrustCenter foreign;
    OcspResponder mismatched(tc.store, tc.issuing.get(), tc.ocsp.get(), foreign.ocsp_key);
    EXPECT_EQ(error_id([&] { mismatched.attest(items, at); }), "pki.signing_failed");
}

TEST_F(Attest, OpensslOcspListsEveryCertificate) {
    const auto resp = tc.dir.write("evidence.der", responder.attest(items, at));
    const auto va = tc.dir.write("ocsp.pem", ossl::to_pem(tc.ocsp.get()));
    const auto out =
        run("openssl ocsp -respin " + resp.string() + " -resp_text -VAfile " + va.string());
    ASSERT_EQ(out.status, 0) << out.output;
    EXPECT_NE(out.output.find("Response verify OK"), std::string::npos) << out.output;
    for (const X509* cert : {good.get(), revoked.get(), held.get()}) {
        EXPECT_NE(out.output.find("Serial Number: " + upper(ossl::serial_hex(cert))), std::string::npos)
            << ossl::serial_hex(cert) << "\n"
            << out.output;
    }
    EXPECT_NE(out.output.find("Cert Status: good"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find("Revocation Reason: keyCompromise"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find("Revocation Reason: certificateHold"), std::string::npos)
        << out.output;
}

}  // namespace
}  // namespace sigcard::pki
