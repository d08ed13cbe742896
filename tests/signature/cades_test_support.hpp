// Test support for signature tests: a scratch directory, certificates issued by a throw-away
// test CA (what the real CA in core/pki does properly), and running the openssl CLI.
#pragma once

#include "common/error.hpp"
#include "crypto/ossl.hpp"
#include "crypto/signer.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace sigcard::testing {

// A fresh directory below the system temp dir, removed with the object.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "sigcard-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name,
                                std::span<const std::uint8_t> bytes) const {
        auto file = path_ / name;
        std::ofstream(file, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
        return file;
    }
    std::filesystem::path write(const std::string& name, std::string_view text) const {
        return write(name, ossl::as_bytes(text));
    }
    ossl::Bytes read(const std::string& name) const {
        std::ifstream in(path_ / name, std::ios::binary);
        return ossl::Bytes(std::istreambuf_iterator<char>(in), {});
    }

private:
    std::filesystem::path path_;
};

enum class Usage { qualified_signature, authentication };

// A certificate for `subject_key`, signed by `issuer_key` (self-signed when issuer is null).
// Qualified signature certificates carry keyUsage nonRepudiation only.
inline ossl::X509Ptr issue_certificate(EVP_PKEY* subject_key, const std::string& common_name,
                                       EVP_PKEY* issuer_key, const X509* issuer,
                                       Usage usage = Usage::qualified_signature, bool ca = false) {
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    auto serial = ossl::random_bytes(8);
    serial[0] &= 0x7f;
    ossl::BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("DE"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), subject_key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? const_cast<X509*>(issuer) : cert.get(), cert.get(), nullptr,
                   nullptr, 0);
    const char* usage_text = ca                                    ? "critical,keyCertSign,cRLSign"
                             : usage == Usage::qualified_signature ? "critical,nonRepudiation"
                                                                   : "critical,digitalSignature";
    for (auto [nid, value] :
         {std::pair{NID_key_usage, usage_text},
          std::pair{NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
          std::pair{NID_subject_key_identifier, "hash"}}) {
        ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        X509_add_ext(cert.get(), ext.get(), -1);
    }
    if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) {
        throw std::runtime_error("test certificate signing failed: " + ossl::last_error());
    }
    return cert;
}

// A throw-away CA that issues test certificates.
struct TestCa {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr certificate =
        issue_certificate(key.private_key(), "SigCard Test CA", key.private_key(), nullptr,
                          Usage::qualified_signature, true);

    ossl::X509Ptr issue(EVP_PKEY* subject_key, const std::string& cn,
                        Usage usage = Usage::qualified_signature) const {
        return issue_certificate(subject_key, cn, key.private_key(), certificate.get(), usage);
    }
};

// Runs a shell command; returns its exit status.
inline int run(const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::filesystem::path write_pem(const ScratchDir& dir, const std::string& name,
                                       const X509* cert) {
    return dir.write(name, ossl::to_pem(cert));
}

// Expects `statement` to throw sigcard::Error with code `code_id`.
#define EXPECT_SIGCARD_ERROR(statement, code_id)                             \
    do {                                                                     \
        try {                                                                \
            statement;                                                       \
            ADD_FAILURE() << "expected " << (code_id) << ", nothing thrown"; \
        } catch (const ::sigcard::Error& e) {                                \
            EXPECT_EQ(e.id(), (code_id)) << e.what();                        \
        }                                                                    \
    } while (false)

}  // namespace sigcard::testing
