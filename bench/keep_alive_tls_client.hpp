// The load driver's HTTPS client: one kept-alive TLS connection, with the peer's certificate
// checked against the trust center's root (handshake blocking, requests and answers not). It does
// only what the driver's timed requests need (POST with a body, answers with Content-Length),
// straight on OpenSSL, so that the client's share of the two CPUs stays small and the portal's
// figures are not the client's.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace sigcard::bench {

struct HttpAnswer {
    int status = 0;
    std::string body;
};

class KeepAliveTlsClient {
public:
    // Connects to host:port (an IP address, checked against the certificate's IP SAN).
    KeepAliveTlsClient(const std::string& host, std::uint16_t port,
                       const std::filesystem::path& ca_file);
    ~KeepAliveTlsClient();
    KeepAliveTlsClient(const KeepAliveTlsClient&) = delete;
    KeepAliveTlsClient& operator=(const KeepAliveTlsClient&) = delete;

    // For one thread that drives many connections with epoll: send() writes a request whole;
    // answer() reads what has arrived without blocking and gives the answer once it is complete.
    // Both throw std::runtime_error when the connection fails or the answer is malformed.
    void set_nonblocking();
    int socket() const { return socket_; }
    void send(const std::string& path, const std::string& body, const std::string& content_type);
    // `headers`: more header lines, each ending in CRLF (e.g. a cookie).
    void send_get(const std::string& path, const std::string& headers = {});
    std::optional<HttpAnswer> answer();

private:
    void write_all(const std::string& bytes);
    bool read_available();  // false: nothing more to read now
    std::optional<HttpAnswer> take_answer();
    std::string request(const std::string& path, const std::string& body,
                        const std::string& content_type) const;

    std::string host_;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context_;
    std::unique_ptr<SSL, decltype(&SSL_free)> tls_;
    int socket_ = -1;
    std::string received_;  // bytes read and not yet consumed
};

}  // namespace sigcard::bench
