// The trust center's PKI as relying parties see it: openssl's and GnuTLS's OCSP clients and CRL
// checks against a running sigcard-portal, at the plain-HTTP URLs the demo cards' certificates
// name, and the answers to malformed or oversized requests.
#include "integration_support.hpp"
#include "support/free_port.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

namespace sigcard::testing {
namespace {

class PortalPkiTest : public TrustCenterTest {
protected:
    // The certificates name plain-HTTP URLs on a port chosen before the trust center exists.
    std::string init_arguments() const override {
        return fmt::format("--pki-url http://localhost:{}", pki_port);
    }

    void SetUp() override {
        TrustCenterTest::SetUp();
        // The demo cards as `scripts/demo` makes them; Erika's valid card is the one asked about.
        const auto cards = sigcard(fmt::format("demo cards --dir {}", dir().string()));
        ASSERT_EQ(cards.status, 0) << cards.output;
        std::ifstream table(dir() / "cards" / "README.txt");
        const std::string text{std::istreambuf_iterator<char>(table), {}};
        serial = capture(text, "Demo Erika Mustermann +[0-9]+ +([0-9a-f]+)");
        ASSERT_FALSE(serial.empty()) << text;
        std::filesystem::copy_file(dir() / "cards" / "erika-mustermann.pem",
                                   tmp_.path() / "holder.pem");
        ocsp_url = certificate_field("-ocsp_uri", tmp_.path() / "holder.pem");
        ASSERT_EQ(ocsp_url, fmt::format("http://localhost:{}/ocsp", pki_port));
        portal = std::make_unique<RunningProcess>(
            std::vector<std::string>{std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard-portal",
                                     "--dir", dir().string(), "--port", "0", "--operator-port", "0",
                                     "--backoffice-port", "0"},
            tmp_.path() / "portal.log");
        port = portal->wait_for("listening on https://127\\.0\\.0\\.1:([0-9]+)/");
        ASSERT_EQ(portal->wait_for("OCSP, CRLs and CA certificates on http://127\\.0\\.0\\.1:([0-9]+)/"),
                  std::to_string(pki_port));
    }

    // One line of `openssl x509 -noout <option>` (e.g. -ocsp_uri), without its line feed.
    static std::string certificate_field(const std::string& option,
                                         const std::filesystem::path& pem) {
        auto out = run_command(fmt::format("openssl x509 -noout {} -in {}", option, pem.string()))
                       .output;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
            out.pop_back();
        }
        return out;
    }

    // A CRL distribution point named in a certificate.
    static std::string crl_url(const std::filesystem::path& pem) {
        return capture(certificate_field("-ext crlDistributionPoints", pem), "URI:(\\S+)");
    }

    // openssl's OCSP client at the URL the holder's certificate names (`url` to ask elsewhere).
    CommandResult ocsp_query(const std::string& url = {}) {
        return run_command(fmt::format(
            "openssl ocsp -url {} -issuer {}/ca/issuing.pem -cert {} -CAfile {}/ca/root.pem "
            "-resp_text",
            url.empty() ? ocsp_url : url, dir().string(), (tmp_.path() / "holder.pem").string(),
            dir().string()));
    }

    // GnuTLS's ocsptool, an independent relying party: it reads the responder's URL from the
    // certificate itself and checks the answer against the issuing CA.
    CommandResult ocsptool(const std::filesystem::path& pem) {
        return run_command(fmt::format("ocsptool --ask --load-cert {} --load-issuer {}/ca/issuing.pem",
                                       pem.string(), dir().string()));
    }

    // openssl verify, fetching every CRL the chain names over HTTP (-crl_download).
    CommandResult verify_with_crls(const std::filesystem::path& pem) {
        return run_command(fmt::format(
            "openssl verify -CAfile {0}/ca/root.pem -untrusted {0}/ca/issuing.pem -crl_check "
            "-crl_download {1}",
            dir().string(), pem.string()));
    }

    int pki_port = free_port();
    std::string serial;
    std::string ocsp_url;
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
        "curl -s \"{1}/$(base64 -w0 {2} | sed "
        "'s/+/%2B/g; s#/#%2F#g; s/=/%3D/g')\" -o {3} && openssl ocsp -respin {3} -issuer "
        "{0}/ca/issuing.pem -cert {4} -CAfile {0}/ca/root.pem -no_nonce",
        dir().string(), ocsp_url, request.string(), (tmp_.path() / "resp.der").string(),
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
            "curl -s -H 'Content-Type: application/ocsp-request' --data-binary @{0} {1} -o {2} && "
            "openssl ocsp -respin {2} -resp_text -noverify",
            file.string(), ocsp_url, (tmp_.path() / "answer.der").string()));
        EXPECT_NE(answer.output.find("malformedrequest"), std::string::npos) << answer.output;
    }
}

TEST_F(PortalPkiTest, TheCrlAtItsDistributionPointParsesAndListsRevocations) {
    ASSERT_EQ(
        sigcard(fmt::format("cert revoke --dir {} {} --reason superseded", dir().string(), serial))
            .status,
        0);
    const auto crl = run_command(fmt::format(
        "curl -s {1} -o {2} && openssl crl -inform DER -in {2} -text -CAfile {0}/ca/chain.pem",
        dir().string(), crl_url(tmp_.path() / "holder.pem"), (tmp_.path() / "ca.crl").string()));
    EXPECT_NE(crl.output.find("verify OK"), std::string::npos) << crl.output;
    std::string upper = serial;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_NE(crl.output.find(upper), std::string::npos) << crl.output;
    EXPECT_NE(crl.output.find("Superseded"), std::string::npos) << crl.output;
}

TEST_F(PortalPkiTest, TheCertificatesNamePlainHttpUrlsOnThePkiListener) {
    const auto aia = certificate_field("-ext authorityInfoAccess", tmp_.path() / "holder.pem");
    const auto base = fmt::format("http://localhost:{}/", pki_port);
    EXPECT_NE(aia.find("OCSP - URI:" + base + "ocsp"), std::string::npos) << aia;
    EXPECT_NE(aia.find("CA Issuers - URI:" + base + "ca/issuing-ca.crt"), std::string::npos) << aia;
    EXPECT_EQ(crl_url(tmp_.path() / "holder.pem"), base + "crl/issuing-ca.crl");
    // The CAs' own certificates and the portal's TLS certificate name the root CA's CRL.
    EXPECT_EQ(crl_url(dir() / "ca" / "issuing.pem"), base + "crl/root-ca.crl");
    EXPECT_EQ(crl_url(dir() / "tls" / "portal.pem"), base + "crl/root-ca.crl");
    // The plain-HTTP listener serves the PKI and nothing of the holders' portal.
    for (const std::string path : {"", "follow-up", "api/v1/follow-up/eligibility", "metrics"}) {
        EXPECT_EQ(run_command(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' {}{}", base, path))
                      .output,
                  "404")
            << path;
    }
}

TEST_F(PortalPkiTest, GnutlsOcsptoolGetsVerifiedAnswersFromTheUrlInTheCertificate) {
    const auto good = ocsptool(tmp_.path() / "holder.pem");
    EXPECT_NE(good.output.find(fmt::format("Connecting to '127.0.0.1:{}'", pki_port)),
              std::string::npos)
        << good.output;
    EXPECT_NE(good.output.find("Certificate Status: good"), std::string::npos) << good.output;
    EXPECT_NE(good.output.find("Verifying OCSP Response: Success."), std::string::npos)
        << good.output;

    const auto revoked = ocsptool(dir() / "cards" / "revoked.pem");
    EXPECT_NE(revoked.output.find("Certificate Status: revoked"), std::string::npos)
        << revoked.output;
    EXPECT_NE(revoked.output.find("Verifying OCSP Response: Success."), std::string::npos)
        << revoked.output;

    // Trusting the CA chain instead of naming the issuer: the same verified answer.
    const auto chained = run_command(fmt::format(
        "ocsptool --ask --load-cert {0} --load-issuer {1}/ca/issuing.pem --load-trust "
        "{1}/ca/chain.pem",
        (tmp_.path() / "holder.pem").string(), dir().string()));
    EXPECT_NE(chained.output.find("Verifying OCSP Response: Success."), std::string::npos)
        << chained.output;
}

TEST_F(PortalPkiTest, OpensslAndCerttoolFetchAndCheckTheCrlsTheCertificatesName) {
    EXPECT_EQ(verify_with_crls(tmp_.path() / "holder.pem").status, 0)
        << verify_with_crls(tmp_.path() / "holder.pem").output;
    EXPECT_EQ(verify_with_crls(dir() / "ca" / "issuing.pem").status, 0)
        << verify_with_crls(dir() / "ca" / "issuing.pem").output;
    const auto tls = verify_with_crls(dir() / "tls" / "portal.pem");
    EXPECT_EQ(tls.status, 0) << tls.output;
    const auto revoked = verify_with_crls(dir() / "cards" / "revoked.pem");
    EXPECT_NE(revoked.status, 0);
    EXPECT_NE(revoked.output.find("certificate revoked"), std::string::npos) << revoked.output;

    // GnuTLS's certtool checks the CRLs' signatures against their CAs.
    for (const auto& [crl, ca] : {std::pair<std::string, std::string>{"issuing-ca.crl", "issuing.pem"},
                                  {"root-ca.crl", "root.pem"}}) {
        const auto checked = run_command(fmt::format(
            "curl -s http://localhost:{0}/crl/{1} | openssl crl -inform DER -out {2}/{1}.pem && "
            "certtool --verify-crl --infile {2}/{1}.pem --load-ca-certificate {3}/ca/{4}",
            pki_port, crl, tmp_.path().string(), dir().string(), ca));
        EXPECT_EQ(checked.status, 0) << checked.output;
        EXPECT_NE(checked.output.find("Verified."), std::string::npos) << checked.output;
    }
}

TEST_F(PortalPkiTest, TheHttpsPathsKeepAnsweringForCertificatesIssuedBefore) {
    const auto good = ocsp_query(fmt::format("https://localhost:{}/ocsp", port));
    EXPECT_NE(good.output.find("Response verify OK"), std::string::npos) << good.output;
    EXPECT_NE(good.output.find("holder.pem: good"), std::string::npos) << good.output;
    for (const std::string path : {"crl/issuing-ca.crl", "ca/issuing-ca.crt", "crl/root-ca.crl"}) {
        EXPECT_EQ(run_command(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' --cacert "
                                          "{}/ca/root.pem https://localhost:{}/{}",
                                          dir().string(), port, path))
                      .output,
                  "200")
            << path;
    }
}

TEST_F(PortalPkiTest, TheCaCertificateAtTheAiaUrlIsTheIssuingCa) {
    const auto got = run_command(fmt::format(
        "curl -s {1} | openssl x509 -inform DER -noout -fingerprint -sha256; openssl x509 -in "
        "{0}/ca/issuing.pem -noout -fingerprint -sha256",
        dir().string(),
        capture(certificate_field("-ext authorityInfoAccess", tmp_.path() / "holder.pem"),
                "CA Issuers - URI:(\\S+)")));
    const auto first = got.output.substr(0, got.output.find('\n'));
    EXPECT_NE(first.find("Fingerprint"), std::string::npos) << got.output;
    EXPECT_EQ(got.output.substr(got.output.find('\n') + 1), first + "\n");
}

// Outside the fixture: a PKI URL relying parties could not use is refused before anything exists.
class PkiUrlTest : public ::testing::Test {
protected:
    TempDir tmp_{"sigcard-pki-url"};
};

TEST_F(PkiUrlTest, InitRefusesAnHttpsOrMalformedPkiUrlAndCreatesNothing) {
    for (const std::string url : {"https://localhost:8080", "http://localhost:8080/pki",
                                  "http://localhost:99999", "ftp://localhost"}) {
        const auto dir = tmp_.path() / "tc";
        const auto init = sigcard(fmt::format("init --dir {} --pki-url '{}'", dir.string(), url));
        EXPECT_NE(init.status, 0) << url;
        EXPECT_NE(init.output.find("must be http://HOST[:PORT]"), std::string::npos) << init.output;
        EXPECT_FALSE(std::filesystem::exists(dir)) << url;
    }
}

}  // namespace
}  // namespace sigcard::testing
