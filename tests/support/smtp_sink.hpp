// A real SMTP server for the tests: Debian's aiosmtpd on a free loopback port, delivering into a
// Maildir that the test reads. A sink that does not start fails the test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.hpp"
#include "support/running_process.hpp"

namespace sigcard::testing {

class SmtpSink {
public:
    explicit SmtpSink(const std::filesystem::path& folder) : maildir_(folder / "maildir") {
        port_ = free_port();
        process_ = std::make_unique<RunningProcess>(
            std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                     "127.0.0.1:" + std::to_string(port_), "-c",
                                     "aiosmtpd.handlers.Mailbox", maildir_.string()},
            folder / "smtp-sink.log");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!accepts(port_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("SMTP sink (python3 -m aiosmtpd) did not start");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

    // Every mail delivered so far, as raw text.
    std::vector<std::string> mails() const {
        std::vector<std::string> out;
        const auto fresh = maildir_ / "new";
        if (!std::filesystem::exists(fresh)) {
            return out;
        }
        for (const auto& entry : std::filesystem::directory_iterator(fresh)) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            out.push_back(text.str());
        }
        return out;
    }

    // Waits (polling the Maildir, the sink's only signal) for a mail containing `part`.
    std::string wait_for_mail(const std::string& part,
                              std::chrono::seconds timeout = std::chrono::seconds(20)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            for (const auto& mail : mails()) {
                if (mail.find(part) != std::string::npos) {
                    return mail;
                }
            }
            if (std::chrono::steady_clock::now() > deadline) {
                return {};
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

private:
    static bool accepts(int port) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        ::close(fd);
        return ok;
    }

    std::filesystem::path maildir_;
    int port_ = 0;
    std::unique_ptr<RunningProcess> process_;
};

}  // namespace sigcard::testing
