#include "keep_alive_tls_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <strings.h>

#include <array>
#include <cerrno>
#include <stdexcept>

namespace sigcard::bench {

namespace {

std::runtime_error tls_failure(const std::string& what) {
    std::array<char, 256> text{};
    ERR_error_string_n(ERR_get_error(), text.data(), text.size());
    return std::runtime_error(what + ": " + text.data());
}

// The value of a header in the head of an answer (lines after the status line), or -1.
long long content_length(std::string_view head) {
    static constexpr std::string_view name = "content-length:";
    for (std::size_t line = head.find("\r\n"); line != std::string_view::npos;
         line = head.find("\r\n", line + 2)) {
        const std::string_view rest = head.substr(line + 2);
        if (rest.size() > name.size() && strncasecmp(rest.data(), name.data(), name.size()) == 0) {
            return std::stoll(std::string(rest.substr(name.size(), rest.find("\r\n"))));
        }
    }
    return -1;
}

}  // namespace

KeepAliveTlsClient::KeepAliveTlsClient(const std::string& host, std::uint16_t port,
                                       const std::filesystem::path& ca_file)
    : host_(host),
      context_(SSL_CTX_new(TLS_client_method()), SSL_CTX_free),
      tls_(nullptr, SSL_free) {
    if (!context_) {
        throw tls_failure("SSL_CTX_new");
    }
    SSL_CTX_set_min_proto_version(context_.get(), TLS1_2_VERSION);
    SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(context_.get(), ca_file.c_str(), nullptr) != 1) {
        throw tls_failure("trust anchor " + ca_file.string());
    }

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        throw std::runtime_error("not an IPv4 address: " + host);
    }
    socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (socket_ < 0) {
        throw std::runtime_error("socket: " + std::to_string(errno));
    }
    const int one = 1;  // a request goes out whole, at once
    ::setsockopt(socket_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
    }

    tls_.reset(SSL_new(context_.get()));
    if (!tls_ || SSL_set_fd(tls_.get(), socket_) != 1 ||
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls_.get()), host.c_str()) != 1) {
        throw tls_failure("TLS set-up");
    }
    if (SSL_connect(tls_.get()) != 1) {
        throw tls_failure("TLS handshake with " + host);
    }
}

KeepAliveTlsClient::~KeepAliveTlsClient() {
    tls_.reset();
    if (socket_ >= 0) {
        ::close(socket_);
    }
}

void KeepAliveTlsClient::write_all(const std::string& bytes) {
    for (;;) {
        std::size_t written = 0;
        if (SSL_write_ex(tls_.get(), bytes.data(), bytes.size(), &written) == 1) {
            if (written != bytes.size()) {
                throw std::runtime_error("TLS write: partial");
            }
            return;
        }
        // Non-blocking and the socket's buffer full: wait until it drains, write the rest.
        if (SSL_get_error(tls_.get(), 0) != SSL_ERROR_WANT_WRITE) {
            throw tls_failure("TLS write");
        }
        pollfd wait{socket_, POLLOUT, 0};
        ::poll(&wait, 1, 1000);
    }
}

bool KeepAliveTlsClient::read_available() {
    std::array<char, 16 * 1024> chunk{};
    std::size_t read = 0;
    if (SSL_read_ex(tls_.get(), chunk.data(), chunk.size(), &read) == 1 && read > 0) {
        received_.append(chunk.data(), read);
        return true;
    }
    if (SSL_get_error(tls_.get(), 0) == SSL_ERROR_WANT_READ) {
        return false;
    }
    throw tls_failure("TLS read (connection closed?)");
}

std::string KeepAliveTlsClient::request(const std::string& path, const std::string& body,
                                        const std::string& content_type) const {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + host_ +
                          "\r\nContent-Type: " + content_type +
                          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request += body;
    return request;
}

// The first answer in what was received, taken out of it; nullopt while incomplete.
std::optional<HttpAnswer> KeepAliveTlsClient::take_answer() {
    const std::size_t head_end = received_.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        return std::nullopt;
    }
    const std::string_view head(received_.data(), head_end);
    if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) {
        throw std::runtime_error("malformed answer: " + std::string(head.substr(0, 80)));
    }
    const long long length = content_length(head);
    if (length < 0) {
        throw std::runtime_error("answer without Content-Length");
    }
    const std::size_t body_start = head_end + 4;
    if (received_.size() < body_start + static_cast<std::size_t>(length)) {
        return std::nullopt;
    }
    HttpAnswer answer;
    answer.status = std::stoi(std::string(head.substr(9, 3)));
    answer.body = received_.substr(body_start, static_cast<std::size_t>(length));
    received_.erase(0, body_start + static_cast<std::size_t>(length));
    return answer;
}

void KeepAliveTlsClient::set_nonblocking() {
    const int flags = ::fcntl(socket_, F_GETFL);
    if (flags < 0 || ::fcntl(socket_, F_SETFL, flags | O_NONBLOCK) != 0) {
        throw std::runtime_error("fcntl O_NONBLOCK: " + std::to_string(errno));
    }
}

void KeepAliveTlsClient::send(const std::string& path, const std::string& body,
                              const std::string& content_type) {
    write_all(request(path, body, content_type));
}

void KeepAliveTlsClient::send_get(const std::string& path, const std::string& headers) {
    write_all("GET " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\n" + headers + "\r\n");
}

std::optional<HttpAnswer> KeepAliveTlsClient::answer() {
    for (;;) {
        if (auto answer = take_answer()) {
            return answer;
        }
        if (!read_available()) {
            return std::nullopt;
        }
    }
}

}  // namespace sigcard::bench
