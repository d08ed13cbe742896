// A small synchronous HTTP(S) client: GET and POST with a deadline and a response size limit,
// certificate and host name verification, and keep-alive to the last server. For the PKI's
// OCSP client and the terminal client. One client per thread: it is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/headers.hpp"

namespace sigcard::http {

struct ClientConfig {
    // For one whole request: resolve, connect, TLS handshake, send and receive.
    std::chrono::milliseconds timeout{10'000};
    std::size_t response_limit =
        4 * 1024 * 1024;  // body bytes; more → http_client.response_too_large
    std::size_t header_limit = 16 * 1024;
    // https: trust anchors as PEM. Unset: the system store (e.g. /etc/ssl/certs).
    std::optional<std::filesystem::path> ca_file;
    std::string user_agent = "SigCard";
};

struct ClientResponse {
    int status = 0;
    Headers headers;
    std::string body;

    std::string_view content_type() const { return headers.get("Content-Type"); }
};

class HttpClient {
public:
    explicit HttpClient(ClientConfig config = {});
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    // Throw sigcard::Error with an http_client.* code: invalid_url, connect_failed,
    // tls_failed, timeout, response_too_large, protocol_error. Any status is returned as is.
    ClientResponse get(std::string_view url, const Headers& headers = {});
    ClientResponse post(std::string_view url, std::string body, std::string_view content_type,
                        const Headers& headers = {});
    ClientResponse send(std::string_view method, std::string_view url, std::string body,
                        const Headers& headers);

    // Connections opened so far (a kept-alive connection is reused, not reopened).
    std::size_t connections_opened() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sigcard::http
