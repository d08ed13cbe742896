// The trust center's PKI as relying parties see it: openssl's OCSP client and CRL parser against
// a running sigcard-portal, and the answers to malformed or oversized requests.
#include "integration_support.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

namespace sigcard::testing {
namespace {

class PortalPkiTest : public TrustCenterTest {
protected:
    void SetUp() override {
        TrustCenterTest::SetUp();
        // One holder certificate to ask about; produced like any card.
        const auto produced = sigcard(fmt::format(
            "card produce --dir {} --label 'OCSP Probe' --given-name Erika --surname Mustermann "
            "--serial-number DE-OCSP-1 --identified-on 2025-01-15 --transport-pin 123456",
            dir().string()));
        ASSERT_EQ(produced.status, 0) << produced.output;
        serial = capture(produced.output, "certificate serial ([0-9a-f]+)");
        ASSERT_FALSE(serial.empty());
        const auto shown = sigcard(fmt::format("cert show --dir {} {}", dir().string(), serial));
        ASSERT_EQ(shown.status, 0) << shown.output;
        std::ofstream(tmp_.path() / "holder.pem")
            << shown.output.substr(shown.output.find("-----BEGIN"));
        portal = std::make_unique<RunningProcess>(
            std::vector<std::string>{std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard-portal",
                                     "--dir", dir().string(), "--port", "0", "--operator-port", "0"},
            tmp_.path() / "portal.log");
        port = portal->wait_for("listening on https://127\\.0\\.0\\.1:([0-9]+)/");
    }

    CommandResult ocsp_query() {
        return run_command(fmt::format(
            "openssl ocsp -url https://localhost:{}/ocsp -issuer {}/ca/issuing.pem -cert {} "
            "-CAfile {}/ca/root.pem -resp_text",
            port, dir().string(), (tmp_.path() / "holder.pem").string(), dir().string()));
    }

    std::string serial;
    std::string port;
    std::unique_ptr<RunningProcess> portal;
};

TEST_F(PortalPkiTest, MetricsAreOnTheOperatorsListenerAndNotOnTheHoldersPort) {
    const auto operators =
        portal->wait_for(R"(operators' listener \(metrics\) on http://127\.0\.0\.1:([0-9]+)/metrics)");
    const auto holders = run_command(fmt::format(
        "curl -s -o /dev/null -w '%{{http_code}}' --cacert {}/ca/root.pem https://localhost:{}/metrics",
        dir().string(), port));
    EXPECT_EQ(holders.output, "404");
    const auto metrics =
        run_command(fmt::format("curl -s http://127.0.0.1:{}/metrics", operators));
    EXPECT_EQ(metrics.status, 0);
    EXPECT_NE(metrics.output.find("# TYPE"), std::string::npos) << metrics.output;
}

TEST_F(PortalPkiTest, OpensslOcspSeesGoodThenHeldThenRevokedWithReason) {
    auto good = ocsp_query();
    EXPECT_NE(good.output.find("Response verify OK"), std::string::npos) << good.output;
    EXPECT_NE(good.output.find("holder.pem: good"), std::string::npos) << good.output;

    ASSERT_EQ(sigcard(fmt::format("cert hold --dir {} {}", dir().string(), serial)).status, 0);
    auto held = ocsp_query();
    EXPECT_NE(held.output.find("holder.pem: revoked"), std::string::npos) << held.output;
    EXPECT_NE(held.output.find("Reason: certificateHold"), std::string::npos) << held.output;

    ASSERT_EQ(sigcard(fmt::format("cert release --dir {} {}", dir().string(), serial)).status, 0);
    EXPECT_NE(ocsp_query().output.find("holder.pem: good"), std::string::npos);

    ASSERT_EQ(sigcard(fmt::format("cert revoke --dir {} {} --reason keyCompromise", dir().string(),
                                  serial))
                  .status,
              0);
    auto revoked = ocsp_query();
    EXPECT_NE(revoked.output.find("Response verify OK"), std::string::npos) << revoked.output;
    EXPECT_NE(revoked.output.find("holder.pem: revoked"), std::string::npos) << revoked.output;
    EXPECT_NE(revoked.output.find("Reason: keyCompromise"), std::string::npos) << revoked.output;
}

TEST_F(PortalPkiTest, OpensslOcspSaysUnknownForACertificateThisCaNeverIssued) {
    // A stranger's certificate under a CA that copies our issuing CA's name: same issuer name
    // hash, a serial we never issued.
    const auto t = tmp_.path().string();
    ASSERT_EQ(
        run_command(
            fmt::format(
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
                "{0}/fake.key -out {0}/fake-ca.pem -days 30 -subj '/C=DE/O=SigCard Demo/CN=SigCard "
                "Demo Trust Center Qualified CA 1' && openssl req -newkey ec -pkeyopt "
                "ec_paramgen_curve:P-256 -nodes -keyout {0}/s.key -subj /CN=Stranger -out "
                "{0}/s.csr && openssl x509 -req -in {0}/s.csr -CA {0}/fake-ca.pem -CAkey "
                "{0}/fake.key -CAcreateserial -days 30 -out {0}/stranger.pem",
                t))
            .status,
        0);
    const auto unknown = run_command(
        fmt::format("openssl ocsp -url https://localhost:{1}/ocsp -issuer {0}/ca/issuing.pem -cert "
                    "{2}/stranger.pem -CAfile {0}/ca/root.pem",
                    dir().string(), port, t));
    EXPECT_NE(unknown.output.find("Response verify OK"), std::string::npos) << unknown.output;
    EXPECT_NE(unknown.output.find("stranger.pem: unknown"), std::string::npos) << unknown.output;
}

TEST_F(PortalPkiTest, OcspOverGetAnswersLikePost) {
    const auto request = tmp_.path() / "req.der";
    ASSERT_EQ(run_command(fmt::format("openssl ocsp -issuer {}/ca/issuing.pem -cert {} -no_nonce "
                                      "-reqout {}",
                                      dir().string(), (tmp_.path() / "holder.pem").string(),
                                      request.string()))
                  .status,
              0);
    const auto got = run_command(fmt::format(
        "curl -s --cacert {0}/ca/root.pem \"https://localhost:{1}/ocsp/$(base64 -w0 {2} | sed "
        "'s/+/%2B/g; s#/#%2F#g; s/=/%3D/g')\" -o {3} && openssl ocsp -respin {3} -issuer "
        "{0}/ca/issuing.pem -cert {4} -CAfile {0}/ca/root.pem -no_nonce",
        dir().string(), port, request.string(), (tmp_.path() / "resp.der").string(),
        (tmp_.path() / "holder.pem").string()));
    EXPECT_NE(got.output.find("holder.pem: good"), std::string::npos) << got.output;
}

TEST_F(PortalPkiTest, MalformedAndOversizedOcspRequestsAreAnsweredMalformedRequest) {
    const auto garbage = tmp_.path() / "garbage.der";
    std::ofstream(garbage) << "this is no OCSP request";
    const auto big = tmp_.path() / "big.der";
    std::ofstream(big) << std::string(70 * 1024, '\x30');
    for (const auto& file : {garbage, big}) {
        const auto answer = run_command(fmt::format(
            "curl -s --cacert {0}/ca/root.pem -H 'Content-Type: application/ocsp-request' "
            "--data-binary @{1} https://localhost:{2}/ocsp -o {3} && openssl ocsp -respin {3} "
            "-resp_text -noverify",
            dir().string(), file.string(), port, (tmp_.path() / "answer.der").string()));
        EXPECT_NE(answer.output.find("malformedrequest"), std::string::npos) << answer.output;
    }
}

TEST_F(PortalPkiTest, TheCrlAtItsDistributionPointParsesAndListsRevocations) {
    ASSERT_EQ(
        sigcard(fmt::format("cert revoke --dir {} {} --reason superseded", dir().string(), serial))
            .status,
        0);
    const auto crl = run_command(fmt::format(
        "curl -s --cacert {0}/ca/root.pem https://localhost:{1}/crl/issuing-ca.crl -o {2} && "
        "openssl crl -inform DER -in {2} -text -CAfile {0}/ca/chain.pem",
        dir().string(), port, (tmp_.path() / "ca.crl").string()));
    EXPECT_NE(crl.output.find("verify OK"), std::string::npos) << crl.output;
    std::string upper = serial;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_NE(crl.output.find(upper), std::string::npos) << crl.output;
    EXPECT_NE(crl.output.find("Superseded"), std::string::npos) << crl.output;
}

TEST_F(PortalPkiTest, TheCaCertificateAtTheAiaUrlIsTheIssuingCa) {
    const auto got = run_command(fmt::format(
        "curl -s --cacert {0}/ca/root.pem https://localhost:{1}/ca/issuing-ca.crt | openssl x509 "
        "-inform DER -noout -fingerprint -sha256; openssl x509 -in {0}/ca/issuing.pem -noout "
        "-fingerprint -sha256",
        dir().string(), port));
    const auto first = got.output.substr(0, got.output.find('\n'));
    EXPECT_NE(first.find("Fingerprint"), std::string::npos) << got.output;
    EXPECT_EQ(got.output.substr(got.output.find('\n') + 1), first + "\n");
}

}  // namespace
}  // namespace sigcard::testing
