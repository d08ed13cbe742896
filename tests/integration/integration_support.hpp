// Integration tests drive the real `sigcard` binary, openssl and pkcs11-tool against a trust
// center in a temporary folder. SoftHSM2 serves one token store per process, so everything that
// touches a token runs in a child process unless a test says otherwise.
#pragma once

#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace sigcard::testing {

struct CommandResult {
    int status = -1;
    std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
        result.output.append(buf, n);
    }
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

inline std::string sigcard_binary() {
    return std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard";
}

inline std::string pinpad_fake_module() {
    return std::string(SIGCARD_BINARY_DIR) +
           "/src/fakes/pinpad_reader/libsigcard-pinpad-reader-fake.so";
}

inline CommandResult sigcard(const std::string& arguments) {
    return run_command(sigcard_binary() + " " + arguments);
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every file under `root` with the SHA-256 of its content, directories as "dir": two equal
// snapshots mean nothing was added, removed or changed (SoftHSM2's login counter aside).
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        const auto name = std::filesystem::relative(entry.path(), root).string();
        if (entry.is_directory()) {
            files[name] = "dir";
            continue;
        }
        auto content = read_text(entry.path());
        // SoftHSM2 rewrites a token's token.object at every login only to bump the 8-byte
        // generation counter in front; the token's attributes after it must stay the same.
        if (entry.path().filename() == "token.object" && content.size() >= 8) {
            content.erase(0, 8);
        }
        files[name] = encoding::hex(
            ossl::sha256({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()}));
    }
    return files;
}

// What differs between two snapshots, one line per path; empty when nothing changed.
inline std::string changes(const std::map<std::string, std::string>& before,
                           const std::map<std::string, std::string>& after) {
    std::string out;
    for (const auto& [path, hash] : before) {
        const auto it = after.find(path);
        if (it == after.end()) {
            out += "removed: " + path + "\n";
        } else if (it->second != hash) {
            out += "changed: " + path + "\n";
        }
    }
    for (const auto& [path, hash] : after) {
        if (!before.contains(path)) {
            out += "added: " + path + "\n";
        }
    }
    return out;
}

// The first capture of `pattern` in `text`; empty when it does not match.
inline std::string capture(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string{};
}

// A trust center made by `sigcard init` in a temporary folder.
class TrustCenterTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto init = sigcard("init --dir " + dir().string() + " " + init_arguments());
        ASSERT_EQ(init.status, 0) << init.output;
    }
    // More `sigcard init` options for a test's trust center.
    virtual std::string init_arguments() const { return {}; }

    std::filesystem::path dir() const { return tmp_.path() / "tc"; }
    virtual std::string database_url() const { return "sqlite:" + (dir() / "sigcard.db").string(); }
    // The card store production writes to, which the holders' readers see.
    std::string softhsm_env() const {
        return "SOFTHSM2_CONF=" + (dir() / "card-store" / "softhsm2.conf").string();
    }
    // The CA's HSM, apart from the cards.
    std::string hsm_env() const {
        return "SOFTHSM2_CONF=" + (dir() / "hsm" / "softhsm2.conf").string();
    }
    // pkcs11-tool on the trust center's card store (where its cards are produced).
    CommandResult pkcs11_tool(const std::string& arguments) const {
        return run_command(fmt::format("{} pkcs11-tool --module {} {}", softhsm_env(),
                                       SOFTHSM2_MODULE, arguments));
    }
    // pkcs11-tool on the HSM holding the CA's keys.
    CommandResult hsm_pkcs11_tool(const std::string& arguments) const {
        return run_command(
            fmt::format("{} pkcs11-tool --module {} {}", hsm_env(), SOFTHSM2_MODULE, arguments));
    }
    // How many tokens the token store holds (each produced card is one).
    int token_count() const {
        const auto out = pkcs11_tool("--list-token-slots").output;
        int n = 0;
        for (auto pos = out.find("token label"); pos != std::string::npos;
             pos = out.find("token label", pos + 1)) {
            ++n;
        }
        return n;
    }

    TempDir tmp_{"sigcard-integration"};
};

}  // namespace sigcard::testing
