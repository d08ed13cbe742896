// Interoperability: the openssl command reads what the PKI produces.
#include "encoding/encoding.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/revocation.hpp"
#include "pki_fixture.hpp"

#include <gtest/gtest.h>

namespace sigcard::pki {
namespace {

using testing::now;
using testing::run;
using testing::TrustCenter;

class OpensslInterop : public ::testing::Test {
protected:
    std::string file(const std::string& name, const X509* cert) {
        return tc.dir.write(name, ossl::to_pem(cert)).string();
    }
    TrustCenter tc;
};

TEST_F(OpensslInterop, X509TextShowsQualifiedProfile) {
    HolderProfile p = testing::lawyer();
    p.restriction = "Nur für Kanzleizwecke.";
    auto cert = tc.issue(p);
    const auto out =
        run("openssl x509 -noout -text -certopt ext_parse -in " + file("holder.pem", cert.get()));
    ASSERT_EQ(out.status, 0) << out.output;
    EXPECT_NE(out.output.find("Key Usage: critical"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find("Non Repudiation"), std::string::npos);
    EXPECT_NE(out.output.find("Policy: 0.4.0.194112.1.2"), std::string::npos);
    EXPECT_NE(out.output.find("Policy: 1.3.6.1.4.1.99999.1.1"), std::string::npos);
    EXPECT_NE(out.output.find("OCSP - URI:http://127.0.0.1:8443/ocsp"), std::string::npos);
    EXPECT_NE(out.output.find("CA Issuers - URI:http://127.0.0.1:8443/ca/qualified-ca-1.cer"),
              std::string::npos);
    EXPECT_NE(out.output.find("URI:http://127.0.0.1:8443/crl/qualified-ca-1.crl"),
              std::string::npos);
    EXPECT_NE(out.output.find("CA:FALSE"), std::string::npos);
    EXPECT_NE(out.output.find("Professional Information or basis for Admission"),
              std::string::npos);
    EXPECT_NE(out.output.find("Rechtsanwalt"), std::string::npos);
}

TEST_F(OpensslInterop, Asn1ParseShowsOidsInQcStatements) {
    auto cert = tc.issue();
    const auto der = tc.dir.write("holder.der", ossl::to_der(cert.get()));
    // The qcStatements extension value, parsed on its own (-strparse at its OCTET STRING).
    const auto all = run("openssl asn1parse -inform DER -in " + der.string());
    ASSERT_EQ(all.status, 0) << all.output;
    const auto at = all.output.find("qcStatements");
    ASSERT_NE(at, std::string::npos) << all.output;
    const auto line_end = all.output.find('\n', at);
    const auto next_line_end = all.output.find('\n', line_end + 1);
    const std::string octet_line = all.output.substr(line_end + 1, next_line_end - line_end - 1);
    ASSERT_NE(octet_line.find("OCTET STRING"), std::string::npos) << octet_line;
    const std::string offset = octet_line.substr(0, octet_line.find(':'));
    const auto qc =
        run("openssl asn1parse -inform DER -in " + der.string() + " -strparse " + offset);
    ASSERT_EQ(qc.status, 0) << qc.output;
    for (const char* oid : {"0.4.0.1862.1.1", "0.4.0.1862.1.4", "0.4.0.1862.1.6",
                            "0.4.0.1862.1.6.1", "0.4.0.1862.1.5", "0.4.0.194121.1.1"}) {
        EXPECT_NE(qc.output.find(std::string(":") + oid), std::string::npos) << oid << "\n"
                                                                             << qc.output;
    }
    EXPECT_NE(qc.output.find("https://trust.example/pds/en.pdf"), std::string::npos);
    EXPECT_NE(qc.output.find("https://trust.example/pds/de.pdf"), std::string::npos);
    EXPECT_NE(qc.output.find("PRINTABLESTRING   :de"), std::string::npos);
}

TEST_F(OpensslInterop, VerifyPassesForHolderAndTlsAndFailsForForeign) {
    auto cert = tc.issue();
    const auto root = file("root.pem", tc.root.get());
    const auto issuing = file("issuing.pem", tc.issuing.get());
    auto out = run("openssl verify -CAfile " + root + " -untrusted " + issuing + " " +
                   file("h.pem", cert.get()));
    EXPECT_EQ(out.status, 0) << out.output;
    EXPECT_NE(out.output.find(": OK"), std::string::npos);

    auto tls_key = crypto::SoftwareSigner::generate_ec();
    auto tls = tc.ca.create_tls_server({tc.root.get(), tc.root_key}, tls_key.public_key(),
                                       {"localhost"}, {"127.0.0.1"}, testing::years(1));
    out =
        run("openssl verify -CAfile " + root + " -purpose sslserver " + file("tls.pem", tls.get()));
    EXPECT_EQ(out.status, 0) << out.output;

    TrustCenter foreign;
    auto alien = foreign.issue();
    out = run("openssl verify -CAfile " + root + " -untrusted " + issuing + " " +
              file("alien.pem", alien.get()));
    EXPECT_NE(out.status, 0) << out.output;
}

TEST_F(OpensslInterop, CrlTextParsesAndVerifies) {
    auto cert = tc.issue();
    revoke(tc.store, ossl::serial_hex(cert.get()), RevocationReason::key_compromise, now());
    auto crl = publish_crl(tc.store, tc.issuer(), now(), now() + std::chrono::hours(24));
    const auto path = tc.dir.write("ca.crl", ossl::to_pem(crl.get()));
    const auto out = run("openssl crl -noout -text -in " + path.string() + " -CAfile " +
                         file("issuing.pem", tc.issuing.get()));
    ASSERT_EQ(out.status, 0) << out.output;
    EXPECT_NE(out.output.find("verify OK"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find("X509v3 CRL Number"), std::string::npos);
    EXPECT_NE(out.output.find("Key Compromise"), std::string::npos);
    std::string serial = ossl::serial_hex(cert.get());
    for (auto& c : serial) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_NE(out.output.find(serial), std::string::npos) << serial;
}

TEST_F(OpensslInterop, OcspResponseVerifiesWithOpensslOcsp) {
    auto good = tc.issue();
    auto revoked = tc.issue();
    revoke(tc.store, ossl::serial_hex(revoked.get()), RevocationReason::superseded, now());
    OcspResponder responder(tc.store, tc.issuing.get(), tc.ocsp.get(), tc.ocsp_key);
    const auto issuing = file("issuing.pem", tc.issuing.get());
    const auto chain =
        tc.dir.write("chain.pem", ossl::to_pem(tc.root.get()) + ossl::to_pem(tc.issuing.get()));
    for (const auto& [name, cert] :
         {std::pair{"good", good.get()}, std::pair{"revoked", revoked.get()}}) {
        const std::string req = (tc.dir.path() / (std::string(name) + ".req")).string();
        auto out = run("openssl ocsp -issuer " + issuing + " -cert " +
                       file(std::string(name) + ".pem", cert) + " -reqout " + req + " -no_nonce");
        ASSERT_EQ(out.status, 0) << out.output;
        std::ifstream in(req, std::ios::binary);
        const ossl::Bytes request((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
        const auto resp = tc.dir.write(std::string(name) + ".resp", responder(request, now()));
        out =
            run("openssl ocsp -respin " + resp.string() + " -resp_text -CAfile " + chain.string() +
                " -issuer " + issuing + " -cert " + file(std::string(name) + ".pem", cert));
        ASSERT_EQ(out.status, 0) << out.output;
        EXPECT_NE(out.output.find("Response verify OK"), std::string::npos) << out.output;
        // responderID byKey: the SHA-1 of the signer's key, which is also its SKI here.
        const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(tc.ocsp.get());
        std::string key_id = encoding::hex({ski->data, static_cast<std::size_t>(ski->length)});
        for (auto& c : key_id) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        EXPECT_NE(out.output.find("Responder Id: " + key_id), std::string::npos) << out.output;
        if (std::string(name) == "good") {
            EXPECT_NE(out.output.find(": good"), std::string::npos) << out.output;
        } else {
            EXPECT_NE(out.output.find(": revoked"), std::string::npos) << out.output;
            EXPECT_NE(out.output.find("Reason: superseded"), std::string::npos) << out.output;
        }
    }
}

}  // namespace
}  // namespace sigcard::pki
