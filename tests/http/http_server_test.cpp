// The server against a real socket on 127.0.0.1: routing, error answers, limits, headers.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "http/http_client.hpp"
#include "test_server.hpp"

namespace sigcard::http {
namespace {

using testing::RawConnection;
using testing::start_server;
using testing::url;

const ErrorCode terms_outdated{"order.terms_outdated", "Die AGB haben sich geändert.",
                               "The terms have changed."};
const ErrorCode unmapped_refusal{"partner.card_from_partner", "Karte eines Partners.",
                                 "Card of a partner."};

nlohmann::json error_of(const ClientResponse& response) {
    return nlohmann::json::parse(response.body).at("error");
}

TEST(HttpServer, ExactRouteGetsDecodedQueryAndHeaders) {
    Router router;
    router.get("/hello", [](const Request& request) {
        return Response::json({{"name", request.query.find("name").value_or("?")},
                               {"agent", request.headers.get("x-test-agent")},
                               {"remote", request.remote_address},
                               {"tls", request.tls}});
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    Headers headers;
    headers.add("X-Test-Agent", "gtest");
    const auto response =
        client.get(url(server->port(), "/hello?name=J%C3%BCrgen+M%C3%BCller"), headers);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type(), "application/json");
    const auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body.at("name"), "Jürgen Müller");
    EXPECT_EQ(body.at("agent"), "gtest");
    EXPECT_EQ(body.at("remote"), "127.0.0.1");
    EXPECT_EQ(body.at("tls"), false);
}

TEST(HttpServer, PrefixRouteGetsRemainderAndLongestPrefixWins) {
    Router router;
    router.add_prefix("GET", "/ocsp/",
                      [](const Request& r) { return Response::text("ocsp:" + r.path_remainder); });
    router.add_prefix("GET", "/ocsp/special/", [](const Request& r) {
        return Response::text("special:" + r.path_remainder);
    });
    router.get("/ocsp/exact", [](const Request&) { return Response::text("exact"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    EXPECT_EQ(client.get(url(server->port(), "/ocsp/MEIwQDA%2BMDwwOjAJBgUrDgMCGgUA")).body,
              "ocsp:MEIwQDA%2BMDwwOjAJBgUrDgMCGgUA");
    EXPECT_EQ(client.get(url(server->port(), "/ocsp/special/abc")).body, "special:abc");
    EXPECT_EQ(client.get(url(server->port(), "/ocsp/exact")).body, "exact");
    EXPECT_EQ(*percent_decode("MEIwQDA%2BMDw%3D"), "MEIwQDA+MDw=");
}

TEST(HttpServer, UnknownPathIs404WithGermanAndEnglishText) {
    auto server = start_server(Router{});
    HttpClient client;
    const auto response = client.get(url(server->port(), "/nowhere"));
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.content_type(), "application/json");
    const auto error = error_of(response);
    EXPECT_EQ(error.at("code"), "http.not_found");
    EXPECT_EQ(error.at("message").at("de"), "Diese Seite gibt es nicht.");
    EXPECT_EQ(error.at("message").at("en"), "This page does not exist.");
}

TEST(HttpServer, WrongMethodIs405WithAllowHeader) {
    Router router;
    router.get("/orders", [](const Request&) { return Response::text("list"); });
    router.add("PUT", "/orders", [](const Request&) { return Response::text("put"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.post(url(server->port(), "/orders"), "{}", "application/json");
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.headers.get("allow"), "GET, PUT");
    EXPECT_EQ(error_of(response).at("code"), "http.method_not_allowed");
}

TEST(HttpServer, HeadFallsBackToGetWithoutBody) {
    Router router;
    router.get("/terms", [](const Request&) { return Response::html("<p>AGB</p>"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.send("HEAD", url(server->port(), "/terms"), {}, {});
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.headers.get("Content-Length"), "10");
    EXPECT_TRUE(response.body.empty());
}

TEST(HttpServer, ThrownErrorGetsStatusFromTableAndBothTexts) {
    Router router;
    router.post("/orders",
                [](const Request&) -> Response { throw Error(terms_outdated, "v3 != v4"); });
    ServerConfig config;
    config.error_statuses.set("order.", 409);
    auto server = start_server(std::move(router), config);
    HttpClient client;
    const auto response = client.post(url(server->port(), "/orders"), "{}", "application/json");
    EXPECT_EQ(response.status, 409);
    const auto error = error_of(response);
    EXPECT_EQ(error.at("code"), "order.terms_outdated");
    EXPECT_EQ(error.at("message").at("de"), "Die AGB haben sich geändert.");
    EXPECT_EQ(error.at("message").at("en"), "The terms have changed.");
    EXPECT_EQ(response.body.find("v3 != v4"), std::string::npos) << "detail must stay in the log";
}

TEST(HttpServer, HttpErrorCarriesItsStatusAndUnmappedErrorFallsBackTo400) {
    Router router;
    router.get("/a", [](const Request&) -> Response { throw HttpError(terms_outdated, 422); });
    router.get("/b", [](const Request&) -> Response { throw Error(unmapped_refusal); });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto a = client.get(url(server->port(), "/a"));
    EXPECT_EQ(a.status, 422);
    EXPECT_EQ(error_of(a).at("code"), "order.terms_outdated");
    const auto b = client.get(url(server->port(), "/b"));
    EXPECT_EQ(b.status, 400);
    EXPECT_EQ(error_of(b).at("code"), "partner.card_from_partner");
}

TEST(HttpServer, OtherExceptionIs500WithoutDetail) {
    Router router;
    router.get("/boom", [](const Request&) -> Response {
        throw std::runtime_error("SELECT * FROM holders WHERE name='Erika Mustermann'");
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.get(url(server->port(), "/boom"));
    EXPECT_EQ(response.status, 500);
    const auto error = error_of(response);
    EXPECT_EQ(error.at("code"), "internal");
    EXPECT_EQ(error.at("message").at("en"), "An error occurred on our side. Please try again later.");
    EXPECT_EQ(response.body.find("Mustermann"), std::string::npos);
    EXPECT_EQ(response.body.find("SELECT"), std::string::npos);
}

TEST(HttpServer, BodyOverLimitIs413AndHandlerNeverRuns) {
    std::atomic<int> handler_runs{0};
    Router router;
    router.post("/upload", [&](const Request& request) {
        ++handler_runs;
        return Response::text(std::to_string(request.body.size()));
    });
    ServerConfig config;
    config.body_limit = 1024;
    auto server = start_server(std::move(router), config);
    HttpClient client;
    const auto at_limit =
        client.post(url(server->port(), "/upload"), std::string(1024, 'a'), "text/plain");
    EXPECT_EQ(at_limit.status, 200);
    EXPECT_EQ(at_limit.body, "1024");
    const auto over =
        client.post(url(server->port(), "/upload"), std::string(1025, 'a'), "text/plain");
    EXPECT_EQ(over.status, 413);
    EXPECT_EQ(error_of(over).at("code"), "http.body_too_large");
    EXPECT_EQ(over.headers.get("Connection"), "close");
    EXPECT_EQ(handler_runs.load(), 1);
}

// POST /upload, counting how often its handler ran.
Router counting_upload(std::atomic<int>& handler_runs) {
    Router router;
    router.post("/upload", [&handler_runs](const Request&) {
        ++handler_runs;
        return Response::text("ran");
    });
    return router;
}

TEST(HttpServer, ChunkedBodyOverLimitIs413) {
    std::atomic<int> handler_runs{0};
    ServerConfig config;
    config.body_limit = 16;
    auto server = start_server(counting_upload(handler_runs), config);
    RawConnection connection(server->port());
    connection.send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
    const auto answer = connection.receive(std::chrono::seconds(3));
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
    EXPECT_NE(answer.find("\"http.body_too_large\""), std::string::npos);
    EXPECT_EQ(handler_runs.load(), 0);
}

TEST(HttpServer, TransferCodingsOtherThanChunkedAloneAreRefusedUnread) {
    std::atomic<int> handler_runs{0};
    auto server = start_server(counting_upload(handler_runs));
    for (const char* coding : {"Transfer-Encoding: gzip, chunked\r\n",
                               "Transfer-Encoding: chunked, chunked\r\n",
                               "Transfer-Encoding: identity\r\n",
                               "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"}) {
        RawConnection connection(server->port());
        connection.send(std::string("POST /upload HTTP/1.1\r\nHost: x\r\n") + coding +
                        "\r\n5\r\nhallo\r\n0\r\n\r\n");
        const auto answer = connection.receive(std::chrono::seconds(3));
        // A second field is already refused by the parser as a broken request (400).
        const bool two_fields = std::string_view(coding).find("chunked\r\nTransfer") !=
                                std::string_view::npos;
        EXPECT_TRUE(answer.starts_with(two_fields ? "HTTP/1.1 400 " : "HTTP/1.1 501 "))
            << coding << answer;
        EXPECT_NE(answer.find(two_fields ? "\"http.bad_request\"" : "\"http.unsupported_transfer\""),
                  std::string::npos)
            << coding;
    }
    EXPECT_EQ(handler_runs.load(), 0);
    // Chunked alone is read.
    RawConnection connection(server->port());
    connection.send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhallo\r\n0\r\n\r\n");
    EXPECT_TRUE(connection.receive(std::chrono::seconds(3)).starts_with("HTTP/1.1 200 "));
    EXPECT_EQ(handler_runs.load(), 1);
}

TEST(HttpServer, MalformedRequestLineIs400AndCloses) {
    auto server = start_server(Router{});
    RawConnection connection(server->port());
    connection.send("THIS IS NOT HTTP\r\n\r\n");
    const auto answer = connection.receive(std::chrono::seconds(3));
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 Bad Request\r\n")) << answer;
    EXPECT_NE(answer.find("{\"error\":{\"code\":\"http.bad_request\""), std::string::npos);
    EXPECT_TRUE(connection.closed);
}

TEST(HttpServer, BrokenPercentEscapeInQueryIs400) {
    Router router;
    router.get("/status", [](const Request&) { return Response::text("ok"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.get(url(server->port(), "/status?order=%G1"));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response).at("code"), "http.bad_request");
}

TEST(HttpServer, OversizedHeadersAre431) {
    ServerConfig config;
    config.header_limit = 1024;
    auto server = start_server(Router{}, config);
    RawConnection connection(server->port());
    connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n");
    const auto answer = connection.receive(std::chrono::seconds(3));
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer.substr(0, 80);
    EXPECT_NE(answer.find("http.headers_too_large"), std::string::npos);
}

TEST(HttpServer, SecurityHeadersOnEveryAnswerButNoHstsWithoutTls) {
    Router router;
    router.get("/page", [](const Request&) { return Response::html("<p>Hallo</p>"); });
    router.get("/crl", [](const Request&) {
        Response response = Response::crl("\x30\x03\x02\x01\x01");
        response.headers.set("Cache-Control", "max-age=3600");
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    for (const char* path : {"/page", "/missing"}) {
        const auto response = client.get(url(server->port(), path));
        EXPECT_EQ(response.headers.get("Content-Security-Policy"),
                  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        EXPECT_EQ(response.headers.get("X-Content-Type-Options"), "nosniff");
        EXPECT_EQ(response.headers.get("Referrer-Policy"), "no-referrer");
        EXPECT_EQ(response.headers.get("Permissions-Policy"),
                  "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
        EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
        EXPECT_FALSE(response.headers.contains("Strict-Transport-Security"));
        EXPECT_FALSE(response.headers.contains("Server"));
    }
    const auto crl = client.get(url(server->port(), "/crl"));
    EXPECT_EQ(crl.content_type(), "application/pkix-crl");
    EXPECT_EQ(crl.headers.get("Cache-Control"), "max-age=3600");
    EXPECT_EQ(crl.body, std::string("\x30\x03\x02\x01\x01"));
}

TEST(HttpServer, RedirectHelperSetsLocation) {
    Router router;
    router.post("/order", [](const Request&) { return Response::redirect("/order/confirmation"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response =
        client.post(url(server->port(), "/order"), "a=1", "application/x-www-form-urlencoded");
    EXPECT_EQ(response.status, 303);
    EXPECT_EQ(response.headers.get("Location"), "/order/confirmation");
}

TEST(HttpServer, MetricsCountAnswersByStatusClass) {
    Router router;
    router.get("/ok", [](const Request&) { return Response::text("ok"); });
    router.get("/fail", [](const Request&) -> Response { throw std::logic_error("x"); });
    auto server = start_server(std::move(router));
    HttpClient client;
    client.get(url(server->port(), "/ok"));
    client.get(url(server->port(), "/ok"));
    client.get(url(server->port(), "/missing"));
    client.get(url(server->port(), "/fail"));
    const auto counts = server->metrics();
    EXPECT_EQ(counts.total, 4u);
    EXPECT_EQ(counts.status_class(2), 2u);
    EXPECT_EQ(counts.status_class(4), 1u);
    EXPECT_EQ(counts.status_class(5), 1u);
    EXPECT_NE(format_prometheus(counts).find("sigcard_http_requests_total{class=\"2xx\"} 2\n"),
              std::string::npos);
}

}  // namespace
}  // namespace sigcard::http
