// The client's limits and failures, and HTTPS end to end (own client and curl).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/http_client.hpp"
#include "http/url.hpp"
#include "support/error_id.hpp"
#include "test_server.hpp"

namespace sigcard::http {
namespace {

using ::sigcard::testing::error_id;

using namespace std::chrono_literals;
using testing::Socket;
using testing::start_server;
using testing::TempDir;
using testing::url;

// A listening socket that never accepts: connects succeed (backlog), nobody ever answers.
struct SilentServer {
    Socket socket{::socket(AF_INET, SOCK_STREAM, 0)};
    std::uint16_t port = 0;
    SilentServer() {
        auto address = testing::loopback(0);
        ::bind(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(socket.fd(), 4);
        socklen_t length = sizeof address;
        ::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
};

TEST(Url, SplitsSchemeHostPortAndTarget) {
    const auto ocsp = Url::parse("http://ocsp.example.de/ocsp?x=1#frag");
    EXPECT_FALSE(ocsp.https);
    EXPECT_EQ(ocsp.host, "ocsp.example.de");
    EXPECT_EQ(ocsp.port, 80);
    EXPECT_EQ(ocsp.target, "/ocsp?x=1");
    EXPECT_EQ(ocsp.host_header(), "ocsp.example.de");
    const auto v6 = Url::parse("https://[::1]:8443");
    EXPECT_TRUE(v6.https);
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 8443);
    EXPECT_EQ(v6.target, "/");
    EXPECT_EQ(v6.host_header(), "[::1]:8443");
    for (const char* bad : {"ftp://x/", "http://", "http://u:p@host/", "http://h:0/",
                            "http://h:99999/", "https://[::1/"}) {
        EXPECT_EQ(error_id([&] { Url::parse(bad); }), "http_client.invalid_url") << bad;
    }
}

TEST(HttpClient, PostsBinaryBodyAndGetsBinaryAnswer) {
    Router router;
    router.post("/ocsp", [](const Request& request) {
        if (request.headers.get("Content-Type") != "application/ocsp-request") {
            return Response::text("wrong type", 415);
        }
        std::string reversed(request.body.rbegin(), request.body.rend());
        return Response::ocsp(reversed);
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    const std::string der("\x30\x00\x01\xff\x00\x7f", 6);
    const auto response =
        client.post(url(server->port(), "/ocsp"), der, "application/ocsp-request");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type(), "application/ocsp-response");
    EXPECT_EQ(response.body, std::string("\x7f\x00\xff\x01\x00\x30", 6));
}

TEST(HttpClient, TimesOutAgainstServerThatNeverAnswers) {
    SilentServer silent;
    ClientConfig config;
    config.timeout = 300ms;
    HttpClient client(config);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(error_id([&] { client.get(url(silent.port, "/ocsp")); }), "http_client.timeout");
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

TEST(HttpClient, RefusesResponseOverItsLimit) {
    Router router;
    router.get("/big", [](const Request&) {
        return Response::binary(std::string(100'000, 'x'), "application/pkix-crl");
    });
    router.get("/small", [](const Request&) { return Response::text(std::string(10'000, 'y')); });
    auto server = start_server(std::move(router));
    ClientConfig config;
    config.response_limit = 10'000;
    HttpClient client(config);
    EXPECT_EQ(client.get(url(server->port(), "/small")).body.size(), 10'000u);
    EXPECT_EQ(error_id([&] { client.get(url(server->port(), "/big")); }),
              "http_client.response_too_large");
    EXPECT_EQ(client.get(url(server->port(), "/small")).status, 200) << "usable after a refusal";
}

TEST(HttpClient, ConnectionRefusedIsConnectFailed) {
    std::uint16_t closed_port = 0;
    {
        SilentServer once;
        closed_port = once.port;
    }
    HttpClient client;
    EXPECT_EQ(error_id([&] { client.get(url(closed_port, "/")); }), "http_client.connect_failed");
}

class HttpsServer : public ::testing::Test {
protected:
    void SetUp() override {
        tls = testing::make_self_signed_certificate(dir.path());
        Router router;
        router.get("/hello", [](const Request& request) {
            return Response::json({{"tls", request.tls}, {"host", request.headers.get("Host")}});
        });
        ServerConfig config;
        config.tls = tls;
        server = start_server(std::move(router), config);
    }

    TempDir dir;
    TlsFiles tls;
    std::unique_ptr<HttpServer> server;
};

TEST_F(HttpsServer, RoundTripVerifiesCertificateAndSendsHsts) {
    ClientConfig config;
    config.ca_file = tls.certificate_chain;
    HttpClient client(config);
    for (const char* host : {"127.0.0.1", "localhost"}) {
        const auto response = client.get(fmt::format("https://{}:{}/hello", host, server->port()));
        EXPECT_EQ(response.status, 200);
        const auto body = nlohmann::json::parse(response.body);
        EXPECT_EQ(body.at("tls"), true);
        EXPECT_EQ(body.at("host"), fmt::format("{}:{}", host, server->port()));
        EXPECT_EQ(response.headers.get("Strict-Transport-Security"),
                  "max-age=31536000; includeSubDomains");
    }
    EXPECT_EQ(client.get(url(server->port(), "/missing", true)).status, 404);
}

// What `openssl s_client` negotiates with the server: "Protocol,Cipher", or empty when refused.
std::string negotiated(std::uint16_t port, const std::string& options) {
    auto line = testing::run_command(fmt::format(
        "openssl s_client -connect 127.0.0.1:{} {} </dev/null 2>/dev/null | "
        "awk '/^New, / {{ printf \"%s%s\", $2, $5 }}'",
        port, options));
    return line == "(NONE),(NONE)" ? "" : line;
}

TEST_F(HttpsServer, OnlyTls12And13WithForwardSecrecyAndAeadInTheServersOrder) {
    // CBC suites (Lucky 13) and RSA key exchange are not offered, whatever the client asks.
    for (const char* cbc : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
                            "ECDHE-ECDSA-AES128-SHA256", "AES128-SHA"}) {
        EXPECT_EQ(negotiated(server->port(), fmt::format("-tls1_2 -cipher {}", cbc)), "") << cbc;
    }
    EXPECT_EQ(negotiated(server->port(), "-tls1_1 -cipher DEFAULT@SECLEVEL=0"), "");
    // The client lists AES-128 first; the server's order (AES-256 first) wins.
    EXPECT_EQ(negotiated(server->port(),
                         "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"),
              "TLSv1.2,ECDHE-ECDSA-AES256-GCM-SHA384");
    EXPECT_EQ(negotiated(server->port(), "-tls1_3"), "TLSv1.3,TLS_AES_256_GCM_SHA384");
}

TEST_F(HttpsServer, ClientRefusesUnknownCaAndWrongName) {
    HttpClient system_store;  // our self-signed certificate is in no system store
    EXPECT_EQ(error_id([&] { system_store.get(url(server->port(), "/hello", true)); }),
              "http_client.tls_failed");

    TempDir other;
    const auto foreign =
        testing::make_self_signed_certificate(other.path(), "DNS:portal.example.invalid");
    ClientConfig config;
    config.ca_file = foreign.certificate_chain;
    HttpClient wrong_anchor(config);
    EXPECT_EQ(error_id([&] { wrong_anchor.get(url(server->port(), "/hello", true)); }),
              "http_client.tls_failed");
}

TEST_F(HttpsServer, PlainHttpClientGetsNoAnswer) {
    ClientConfig config;
    config.timeout = 2s;
    HttpClient client(config);
    const auto id = error_id([&] { client.get(url(server->port(), "/hello")); });
    EXPECT_TRUE(id == "http_client.protocol_error" || id == "http_client.connect_failed") << id;
}

TEST_F(HttpsServer, CurlGetsSecurityHeadersAndTls11IsRefused) {
    const auto headers = testing::run_command(fmt::format(
        "curl -sk --max-time 5 -D - -o /dev/null https://127.0.0.1:{}/hello", server->port()));
    EXPECT_NE(headers.find("HTTP/1.1 200 OK"), std::string::npos) << headers;
    EXPECT_NE(headers.find("Strict-Transport-Security: max-age=31536000; includeSubDomains"),
              std::string::npos);
    EXPECT_NE(headers.find("X-Content-Type-Options: nosniff"), std::string::npos);
    // OPENSSL_CONF=/dev/null and SECLEVEL=0 let the client offer TLS 1.1, so the refusal
    // comes from the server's minimum version.
    const auto old_tls = testing::run_command(fmt::format(
        "OPENSSL_CONF=/dev/null timeout 5 openssl s_client -connect 127.0.0.1:{} -tls1_1 "
        "-cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1",
        server->port()));
    EXPECT_NE(old_tls.find("alert protocol version"), std::string::npos) << old_tls;
}

TEST(HttpServerSetup, BrokenCertificateFileIsTlsConfigInvalid) {
    TempDir dir;
    std::ofstream(dir.path() / "cert.pem") << "not a certificate";
    std::ofstream(dir.path() / "key.pem") << "not a key";
    ServerConfig config;
    config.tls = TlsFiles{dir.path() / "cert.pem", dir.path() / "key.pem"};
    EXPECT_EQ(error_id([&] { HttpServer(config, Router{}); }), "portal.tls_config_invalid");
}

TEST(HttpServerSetup, APortInUseIsNamedAsSuch) {
    auto first = start_server(Router{});
    ServerConfig config;
    config.port = first->port();
    HttpServer second(config, Router{});
    EXPECT_EQ(error_id([&] { second.start(); }), "http.port_in_use");
}

TEST(HttpServerSetup, AnAddressThatCannotBeBoundIsBindFailed) {
    ServerConfig config;
    config.address = "192.0.2.1";  // TEST-NET-1: not an address of this machine
    HttpServer server(config, Router{});
    EXPECT_EQ(error_id([&] { server.start(); }), "portal.bind_failed");
}

TEST(HttpServerSetup, CurlPlainHttpWithLargeBodyAndExpectContinue) {
    Router router;
    router.post("/upload", [](const Request& request) {
        return Response::text(std::to_string(request.body.size()));
    });
    auto server = start_server(std::move(router));
    TempDir dir;
    std::ofstream(dir.path() / "body.bin") << std::string(200'000, 'z');
    const auto out =
        testing::run_command(fmt::format("curl -s --max-time 5 -H 'Expect: 100-continue' "
                                         "--data-binary @'{}' http://127.0.0.1:{}/upload",
                                         (dir.path() / "body.bin").string(), server->port()));
    EXPECT_EQ(out, "200000");
}

}  // namespace
}  // namespace sigcard::http
