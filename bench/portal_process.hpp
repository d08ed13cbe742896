// The load drivers' portal: sigcard-portal started on a trust center folder with free ports,
// its output in portal.log there; the driver stops it with SIGTERM. And the limits a driver lifts.
#pragma once

#include "config/trust_center_config.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace sigcard::bench {

struct Portal {
    pid_t pid = -1;
    std::string port;
    std::string backoffice_port;
};

inline Portal start_portal(const std::filesystem::path& build, const std::filesystem::path& dir,
                    int threads) {
    const auto log = dir / "portal.log";
    Portal p;
    p.pid = ::fork();
    if (p.pid == 0) {
        std::freopen(log.c_str(), "w", stdout);
        std::freopen(log.c_str(), "a", stderr);
        const auto binary = (build / "apps" / "sigcard-portal").string();
        const auto threads_text = std::to_string(threads);
        ::execl(binary.c_str(), binary.c_str(), "--dir", dir.c_str(), "--port", "0",
                "--operator-port", "0", "--pki-port", "0", "--backoffice-port", "0", "--threads", threads_text.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const std::regex listening("listening on https://127\\.0\\.0\\.1:([0-9]+)/");
    const std::regex backoffice("back office on https://[^:]+:([0-9]+)/");
    for (int i = 0; i < 200; ++i) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        std::smatch m;
        const std::string s = text.str();
        if (std::regex_search(s, m, listening)) {
            p.port = m[1];
            if (std::regex_search(s, m, backoffice)) {
                p.backoffice_port = m[1];
            }
            return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("portal did not start");
}

// One driver on one address stands for thousands of holders: no per-client limits.
inline void lift_client_limits(config::TrustCenterConfig& config) {
    for (auto* limit : {&config.limits.eligibility, &config.limits.status, &config.limits.drafts,
                        &config.limits.submissions, &config.limits.new_sessions}) {
        *limit = {100'000'000, 100'000'000};
    }
    config.limits.connections_per_client = config.limits.connections;
}

inline void stop_portal(const Portal& portal) {
    ::kill(portal.pid, SIGTERM);
    ::waitpid(portal.pid, nullptr, 0);
}

}  // namespace sigcard::bench
