// Helpers for the portal tests: a real server on 127.0.0.1, a raw TCP peer for bytes the client
// would never send, and a self-signed TLS certificate made with the openssl CLI.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "http/http_server.hpp"

namespace sigcard::http::testing {

inline std::string url(std::uint16_t port, std::string_view path, bool https = false) {
    return std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(port) +
           std::string(path);
}

// A started server that stops when the test ends.
inline std::unique_ptr<HttpServer> start_server(Router router, ServerConfig config = {}) {
    config.address = "127.0.0.1";
    config.port = 0;
    auto server = std::make_unique<HttpServer>(std::move(config), std::move(router));
    server->start();
    return server;
}

// A file descriptor closed on destruction.
class Socket {
public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

inline sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// A TCP connection to the server for sending raw bytes.
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port) : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
        const auto address = loopback(port);
        if (::connect(socket_.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) !=
            0) {
            throw std::runtime_error("connect failed");
        }
    }
    bool connected_ok() const { return socket_.fd() >= 0; }

    void send(std::string_view bytes) {
        if (::send(socket_.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(bytes.size())) {
            throw std::runtime_error("send failed");
        }
    }

    // Reads until the server closes, `enough` bytes arrived, or `wait` passed.
    // `closed` tells whether the server closed the connection.
    std::string receive(std::chrono::milliseconds wait, std::size_t enough = SIZE_MAX) {
        closed = false;
        std::string data;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (data.size() < enough && std::chrono::steady_clock::now() < deadline) {
            timeval tv{0, 50'000};
            ::setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            char chunk[4096];
            const ssize_t n = ::recv(socket_.fd(), chunk, sizeof chunk, 0);
            if (n == 0) {
                closed = true;
                break;
            }
            if (n > 0) {
                data.append(chunk, static_cast<std::size_t>(n));
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                closed = true;  // reset
                break;
            }
        }
        return data;
    }

    bool closed = false;

private:
    Socket socket_;
};

// A directory removed with everything in it when the test ends.
class TempDir {
public:
    TempDir() {
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("sigcard-portal-test-" + std::to_string(random()) + std::to_string(::getpid()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A self-signed P-256 certificate (cert.pem, key.pem in `dir`), by default for localhost and
// 127.0.0.1.
inline TlsFiles make_self_signed_certificate(
    const std::filesystem::path& dir,
    const std::string& subject_alt_names = "DNS:localhost,IP:127.0.0.1") {
    const TlsFiles files{dir / "cert.pem", dir / "key.pem"};
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
        " -subj /CN=localhost -addext subjectAltName=" +
        subject_alt_names + " -keyout '" + files.private_key.string() + "' -out '" +
        files.certificate_chain.string() + "' 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("openssl req failed");
    }
    return files;
}

// Runs a shell command and returns its standard output.
inline std::string run_command(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) {
        throw std::runtime_error("popen failed");
    }
    std::string output;
    char chunk[4096];
    while (const std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe.get())) {
        output.append(chunk, n);
    }
    return output;
}

}  // namespace sigcard::http::testing
