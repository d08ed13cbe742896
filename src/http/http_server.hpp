// The portal's HTTP(S) server: a fixed pool of threads serving the routes of a Router with
// keep-alive, timeouts, size limits, security headers, request logging and metrics.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_errors.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "http/security_headers.hpp"

namespace sigcard::http {

struct TlsFiles {
    std::filesystem::path certificate_chain;  // PEM: server certificate first, then CAs
    std::filesystem::path private_key;        // PEM, unencrypted
};

struct ServerConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: the system picks a free port; ask HttpServer::port()
    std::size_t threads = 2;
    std::optional<TlsFiles> tls;           // set: HTTPS only (TLS 1.2 or newer)
    std::size_t header_limit = 16 * 1024;  // bigger → 431
    std::size_t body_limit = 1024 * 1024;  // bigger → 413, the handler never runs
    // Paths (a prefix of the target) that take bigger bodies, e.g. an application with proofs.
    std::vector<std::pair<std::string, std::size_t>> larger_bodies;
    // A whole request (headers and body) must arrive within this time, and an idle keep-alive
    // connection is closed after it: slow clients cannot hold threads or sockets for long.
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds write_timeout{30'000};
    // stop() lets running requests finish for at most this long.
    std::chrono::milliseconds stop_timeout{5'000};
    // Open connections at most, in all and from one client (an IPv4 address, an IPv6 /64):
    // beyond that a new connection is closed at once, and the ones open are served on.
    std::size_t max_connections = 4096;
    std::size_t max_connections_per_client = 64;
    SecurityHeaders security_headers;
    ErrorStatusTable error_statuses;
};

class HttpServer {
public:
    HttpServer(ServerConfig config, Router router);
    ~HttpServer();  // stops
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds, listens and starts the threads. Throws sigcard::Error (portal.bind_failed,
    // portal.tls_config_invalid). A server starts once.
    void start();
    // The bound port (useful with port 0). Only after start().
    std::uint16_t port() const;
    // Stops accepting, closes idle connections, lets running requests finish (up to
    // stop_timeout), then joins the threads. Idempotent. Not from inside a handler.
    void stop();

    RequestCounts metrics() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sigcard::http
