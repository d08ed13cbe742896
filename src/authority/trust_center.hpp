// A trust center at run time: its folder (sigcard.toml, ca/, hsm/, tls/), its database, the HSM
// token with the CA keys, and the certification authority signing through them.
#pragma once

#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "config/trust_center_config.hpp"
#include "crypto/signer.hpp"
#include "pki/certificate_authority.hpp"
#include "pki/certificate_store.hpp"
#include "storage/database.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sigcard::authority {

struct InitOptions {
    std::filesystem::path dir;
    std::string name = "SigCard Demo Trust Center";
    std::string portal_url = "https://localhost:8443";  // base of the PDS URLs
    int portal_port = 8443;
    // The back office's own listener (HTTPS); its URL is on the operators' agents' allowlist.
    std::string backoffice_url = "https://localhost:8444";
    // Base of the OCSP, CRL and CA certificate URLs (plain HTTP); its port is the listener's.
    std::string pki_url = "http://localhost:8080";
    std::string card_agent_url = "http://127.0.0.1:29561";  // the pages' way to the card agent
    std::string smtp_url;  // holders' mails; empty: none
    std::string pkcs11_module;  // empty: Debian's SoftHSM2 with a token store inside `dir`
    std::string database_url;   // empty: sqlite:DIR/sigcard.db
    // Where the HSM user PIN is kept. Demo: a file in hsm/ readable by the owner only.
    // Production: an environment variable the operator sets (the PIN is printed once).
    std::string hsm_pin_env;
};

// Serialises signing on one HSM session: PKCS#11 allows one operation at a time per session.
class SerialisedSigner final : public crypto::Signer {
public:
    SerialisedSigner(crypto::Signer& inner, std::mutex& mutex) : inner_(inner), mutex_(mutex) {}
    EVP_PKEY* public_key() const override { return inner_.public_key(); }
    ossl::Bytes sign(crypto::DigestAlgorithm digest, std::span<const std::uint8_t> data) override {
        std::lock_guard lock(mutex_);
        return inner_.sign(digest, data);
    }

private:
    crypto::Signer& inner_;
    std::mutex& mutex_;
};

class TrustCenter {
public:
    // Creates a new trust center in options.dir. Refuses (trust_center.already_exists) and
    // changes nothing when the folder already holds one. Returns the configuration written.
    static config::TrustCenterConfig create(const InitOptions& options);

    // Opens the trust center in `dir`: reads sigcard.toml, migrates the database, logs in to the
    // HSM and finds the CA keys.
    explicit TrustCenter(const std::filesystem::path& dir);
    ~TrustCenter();

    const config::TrustCenterConfig& config() const { return config_; }
    storage::Database& database() { return *database_; }
    pki::CertificateStore& certificates() { return *store_; }
    pki::CertificateAuthority& ca() { return *ca_; }

    const X509* root_certificate() const { return root_cert_.get(); }
    const X509* issuing_certificate() const { return issuing_cert_.get(); }
    const X509* ocsp_certificate() const { return ocsp_cert_.get(); }
    pki::IssuerKey root_ca() { return {root_cert_.get(), *root_guarded_}; }
    pki::IssuerKey issuing_ca() { return {issuing_cert_.get(), *issuing_guarded_}; }
    pki::IssuerKey ocsp_signer() { return {ocsp_cert_.get(), *ocsp_guarded_}; }

    // The HSM module, for card production in the same process (SoftHSM2 serves one token store
    // per process: the demo's cards are made in the HSM's store).
    smartcard::Pkcs11Module& hsm_module() { return *module_; }

private:
    config::TrustCenterConfig config_;
    std::unique_ptr<storage::Database> database_;
    std::unique_ptr<pki::CertificateStore> store_;
    std::unique_ptr<pki::CertificateAuthority> ca_;
    std::unique_ptr<smartcard::Pkcs11Module> module_;
    std::unique_ptr<smartcard::CardSession> session_;
    std::mutex hsm_mutex_;
    std::optional<smartcard::Pkcs11Signer> root_signer_;
    std::optional<smartcard::Pkcs11Signer> issuing_signer_;
    std::optional<smartcard::Pkcs11Signer> ocsp_signer_;
    std::optional<SerialisedSigner> root_guarded_;
    std::optional<SerialisedSigner> issuing_guarded_;
    std::optional<SerialisedSigner> ocsp_guarded_;
    ossl::X509Ptr root_cert_;
    ossl::X509Ptr issuing_cert_;
    ossl::X509Ptr ocsp_cert_;
};

// Points SoftHSM2 at the trust center's token store (SOFTHSM2_CONF) when the configuration names
// one. Must happen before the module is loaded; SoftHSM2 reads it once per process.
void use_token_store(const config::TrustCenterConfig& config);

// The HSM user PIN as sigcard.toml says where to find it.
Secret hsm_pin(const config::TrustCenterConfig& config);

}  // namespace sigcard::authority
