// A small trust center for the PKI tests: software CA keys, a temporary SQLite database, a root,
// a qualified issuing CA and an OCSP signer, and helpers to run the openssl command on files.
#pragma once

#include "config/trust_center_config.hpp"
#include "crypto/signer.hpp"
#include "pki/certificate_authority.hpp"
#include "pki/certificate_store.hpp"
#include "storage/database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace sigcard::pki::testing {

inline Seconds now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

inline Validity years(int n) {
    return {now() - std::chrono::hours(1), now() + std::chrono::days(365 * n)};
}

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("sigcard-pki-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

    std::filesystem::path write(const std::string& name, std::string_view content) const {
        auto file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }
    std::filesystem::path write(const std::string& name, const ossl::Bytes& content) const {
        return write(
            name, std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
    }

private:
    std::filesystem::path path_;
};

// Runs a shell command; returns its exit status and stdout+stderr.
struct CommandResult {
    int status;
    std::string output;
};
inline CommandResult run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return {-1, {}};
    }
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
        out.append(buf, n);
    }
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline config::TrustCenterConfig test_config(
    const std::string& ocsp_url = "http://127.0.0.1:8443/ocsp") {
    config::TrustCenterConfig c;
    c.name = "SigCard Test Trust Center";
    c.organization = "SigCard Test";
    c.country = "DE";
    c.policy_oid = "1.3.6.1.4.1.99999.1.1";
    c.urls.ocsp = ocsp_url;
    c.urls.crl = "http://127.0.0.1:8443/crl/qualified-ca-1.crl";
    c.urls.ca_issuers = "http://127.0.0.1:8443/ca/qualified-ca-1.cer";
    c.urls.pds_en = "https://trust.example/pds/en.pdf";
    c.urls.pds_de = "https://trust.example/pds/de.pdf";
    return c;
}

inline HolderProfile lawyer() {
    HolderProfile p;
    p.given_name = "Jürgen";
    p.surname = "Müller-Lüdenscheidt";
    p.serial_number = "DTRUST-4711";
    p.country = "DE";
    p.admission = Admission{"Rechtsanwaltskammer Köln",
                            {{{"Rechtsanwalt"}, {oid::profession_rechtsanwalt}, "RAK-K-1234"}}};
    return p;
}

// Root, qualified issuing CA and OCSP signer with P-256 software keys, recorded in a fresh
// database.
struct TrustCenter {
    TempDir dir;
    storage::Database db;
    CertificateStore store;
    crypto::SoftwareSigner root_key = crypto::SoftwareSigner::generate_ec();
    crypto::SoftwareSigner issuing_key = crypto::SoftwareSigner::generate_ec();
    crypto::SoftwareSigner ocsp_key = crypto::SoftwareSigner::generate_ec();
    CertificateAuthority ca;
    ossl::X509Ptr root;
    ossl::X509Ptr issuing;
    ossl::X509Ptr ocsp;

    // `connections`: the database's pool (one by default, so a nested lease shows as a hang).
    // `database_url`: another database than a fresh SQLite file (an empty PostgreSQL schema).
    explicit TrustCenter(config::TrustCenterConfig config = test_config(),
                         std::size_t connections = 1, const std::string& database_url = "")
        : db(database_url.empty() ? "sqlite:" + (dir.path() / "pki.db").string() : database_url,
             connections),
          store(db),
          ca(std::move(config), &store) {
        db.migrate();
        root = ca.create_root(root_key, years(20));
        issuing = ca.create_issuing_ca({root.get(), root_key}, issuing_key.public_key(), years(10));
        ocsp = ca.create_ocsp_signer({issuing.get(), issuing_key}, ocsp_key.public_key(), years(2));
    }

    IssuerKey issuer() { return {issuing.get(), issuing_key}; }

    // A holder certificate for a fresh key.
    ossl::X509Ptr issue(const HolderProfile& profile = lawyer(),
                        std::optional<Validity> validity = std::nullopt) {
        auto holder_key = crypto::SoftwareSigner::generate_ec();
        return ca.issue_qualified(issuer(), holder_key.public_key(), profile, validity);
    }
};

}  // namespace sigcard::pki::testing
