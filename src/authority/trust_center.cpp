#include "authority/trust_center.hpp"

#include "new_order/proofs.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"

#include "authority/authority_errors.hpp"
#include "smartcard/token_admin.hpp"

#include <openssl/pem.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sigcard::authority {

namespace {

constexpr const char* kHsmLabel = "SigCard CA HSM";
constexpr const char* kRootKey = "root-ca";
constexpr const char* kIssuingKey = "issuing-ca";
constexpr const char* kOcspKey = "ocsp-signer";

using std::chrono::days;

// The port of a listener from the base of the URLs it answers: "SCHEME://HOST[:PORT]" with
// nothing after it. The relying parties' base must be http:// (see config::Urls), the back
// office's https://.
int listener_port(const std::string& url, std::string_view scheme, int default_port,
                  std::string_view what) {
    const auto host_end = url.find_first_of("/?#", scheme.size());
    const auto colon = url.rfind(':');
    const bool has_port = colon != std::string::npos && colon >= scheme.size() &&
                          url.find(']', colon) == std::string::npos;
    const std::string port_text = has_port ? url.substr(colon + 1) : std::to_string(default_port);
    if (!url.starts_with(scheme) || host_end != std::string::npos || url.size() == scheme.size() ||
        port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port_text) < 1 || std::stoi(port_text) > 65535) {
        throw std::invalid_argument(fmt::format("the {} must be {}HOST[:PORT], got '{}'", what,
                                                scheme, url));
    }
    return std::stoi(port_text);
}

int plain_http_port(const std::string& url) {
    return listener_port(url, "http://", 80, "PKI URL (OCSP, CRLs, CA certificates)");
}

int https_port(const std::string& url) {
    return listener_port(url, "https://", 443, "back-office URL");
}

void write_file(const std::filesystem::path& path, const std::string& content,
                bool secret = false) {
    std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (secret) {
            ::chmod(tmp.c_str(), 0600);
        }
        out << content;
        if (!out.flush()) {
            throw std::runtime_error("cannot write " + path.string());
        }
    }
    std::filesystem::rename(tmp, path);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Secret random_pin(std::size_t bytes) {
    auto raw = ossl::random_bytes(bytes);
    Secret pin(encoding::hex(raw));
    OPENSSL_cleanse(raw.data(), raw.size());
    return pin;
}

ossl::Bytes id_of(std::string_view label) {
    return ossl::Bytes(label.begin(), label.end());
}

std::string private_key_pem(EVP_PKEY* key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, static_cast<std::size_t>(len));
    return pem;
}

ossl::X509Ptr load_certificate(const config::TrustCenterConfig& c, const char* file) {
    auto cert = ossl::x509_from_pem(read_file(c.dir / "ca" / file));
    if (!cert) {
        throw Error(errors::ca_certificate_missing, file);
    }
    return cert;
}

CK_OBJECT_HANDLE private_key_by_label(const smartcard::CardSession& session, std::string_view label) {
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    std::string text(label);
    CK_ATTRIBUTE match[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_LABEL, text.data(), text.size()}};
    auto found = session.find_objects(match);
    if (found.empty()) {
        throw Error(errors::hsm_key_missing, text);
    }
    return found.front();
}

ossl::EvpPkeyPtr public_key_of(const X509* cert) {
    return ossl::EvpPkeyPtr(X509_get_pubkey(const_cast<X509*>(cert)));
}

// Everything `create` made, removed again when it fails half-way.
class CreationGuard {
public:
    explicit CreationGuard(const std::filesystem::path& dir) : dir_(dir) {
        created_dir_ = !std::filesystem::exists(dir_);
        std::filesystem::create_directories(dir_);
    }
    ~CreationGuard() {
        if (done_) {
            return;
        }
        std::error_code ec;
        if (created_dir_) {
            std::filesystem::remove_all(dir_, ec);
        } else {
            for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
                std::filesystem::remove_all(entry.path(), ec);
            }
        }
    }
    void done() { done_ = true; }

private:
    std::filesystem::path dir_;
    bool created_dir_ = false;
    bool done_ = false;
};

}  // namespace

void use_token_store(const config::TrustCenterConfig& c) {
    if (!c.hsm.softhsm_conf.empty()) {
        ::setenv("SOFTHSM2_CONF", c.resolve(c.hsm.softhsm_conf).c_str(), 1);
    }
}

Secret hsm_pin(const config::TrustCenterConfig& c) {
    if (!c.hsm.pin_env.empty()) {
        if (const char* value = std::getenv(c.hsm.pin_env.c_str()); value && *value) {
            return Secret(value);
        }
    }
    if (!c.hsm.pin_file.empty()) {
        std::string pin = read_file(c.resolve(c.hsm.pin_file));
        while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) {
            pin.pop_back();
        }
        Secret secret(pin);
        OPENSSL_cleanse(pin.data(), pin.size());
        if (!secret.empty()) {
            return secret;
        }
    }
    throw Error(errors::hsm_pin_missing);
}

config::TrustCenterConfig TrustCenter::create(const InitOptions& o) {
    const auto dir = std::filesystem::absolute(o.dir);
    if (std::filesystem::exists(dir / "sigcard.toml") ||
        (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir))) {
        throw Error(errors::already_exists, dir.string());
    }
    CreationGuard guard(dir);

    config::TrustCenterConfig c;
    c.dir = dir;
    c.name = o.name;
    c.database_url = o.database_url.empty() ? "sqlite:sigcard.db" : o.database_url;
    c.urls.portal = o.portal_url;
    c.urls.ocsp = o.pki_url + "/ocsp";
    c.urls.crl = o.pki_url + "/crl/issuing-ca.crl";
    c.urls.ca_issuers = o.pki_url + "/ca/issuing-ca.crt";
    c.urls.root_crl = o.pki_url + "/crl/root-ca.crl";
    c.urls.pds_en = o.portal_url + "/pds/en";
    c.urls.pds_de = o.portal_url + "/pds/de";
    c.portal.port = o.portal_port;
    c.urls.backoffice = o.backoffice_url;
    c.portal.backoffice_port = https_port(o.backoffice_url);
    c.portal.pki_port = plain_http_port(o.pki_url);
    c.portal.card_agent_url = o.card_agent_url;
    c.mail.smtp_url = o.smtp_url;
    // An example office; operators list their own in sigcard.toml.
    c.registration_offices.push_back({"koeln", "Registrierungsstelle Köln",
                                      "Domkloster 4, 50667 Köln", "Mo–Fr 9–17 Uhr"});
    c.portal.tls_certificate = "tls/portal.pem";
    c.portal.tls_key = "tls/portal.key";
    c.hsm.token_label = kHsmLabel;
    if (o.pkcs11_module.empty()) {
        c.hsm.module = SOFTHSM2_MODULE;
        c.hsm.softhsm_conf = "hsm/softhsm2.conf";
        std::filesystem::create_directories(dir / "hsm" / "tokens");
        write_file(
            dir / "hsm" / "softhsm2.conf",
            "# SoftHSM2 token store of this trust center (stands for the CA's HSM).\n"
            "directories.tokendir = " +
                (dir / "hsm" / "tokens").string() +
                "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        // The cards are made in a store of their own, as a personalisation station would, and
        // that store is what a holder's card agent sees: never the CA's keys.
        c.production.card_module = SOFTHSM2_MODULE;
        c.production.softhsm_conf = "card-store/softhsm2.conf";
        std::filesystem::create_directories(dir / "card-store" / "tokens");
        write_file(dir / "card-store" / "softhsm2.conf",
                   "# SoftHSM2 store the demo's cards are written to (the holders' card readers).\n"
                   "directories.tokendir = " +
                       (dir / "card-store" / "tokens").string() +
                       "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    } else {
        c.hsm.module = o.pkcs11_module;
    }
    const Secret so_pin = random_pin(16);
    const Secret user_pin = random_pin(12);
    if (o.hsm_pin_env.empty()) {
        c.hsm.pin_file = "hsm/user.pin";
        write_file(dir / c.hsm.pin_file, std::string(user_pin.view()) + "\n", true);
    } else {
        c.hsm.pin_env = o.hsm_pin_env;
        ::setenv(o.hsm_pin_env.c_str(), std::string(user_pin.view()).c_str(), 1);
        spdlog::warn("HSM user PIN (shown once, keep it in {}): {}", o.hsm_pin_env,
                     user_pin.view());
    }

    // The HSM: a new token with the three CA keys, generated inside it.
    use_token_store(c);
    {
        smartcard::Pkcs11Module module(c.hsm.module);
        auto slot = module.free_slot();
        smartcard::initialize_token(module, slot.slot, kHsmLabel, so_pin);
        auto token = module.find_token(kHsmLabel);
        {
            smartcard::CardSession so(module, token.slot, smartcard::CardSession::Access::read_write);
            so.login_security_officer(so_pin);
            smartcard::set_user_pin(so, user_pin);
        }
        smartcard::CardSession session(module, token.slot, smartcard::CardSession::Access::read_write);
        session.login(user_pin);
        auto root_keys =
            smartcard::generate_key_pair(session, {smartcard::KeyType::ec_p384, id_of(kRootKey), kRootKey});
        auto issuing_keys = smartcard::generate_key_pair(
            session, {smartcard::KeyType::ec_p256, id_of(kIssuingKey), kIssuingKey});
        auto ocsp_keys =
            smartcard::generate_key_pair(session, {smartcard::KeyType::ec_p256, id_of(kOcspKey), kOcspKey});
        smartcard::Pkcs11Signer root(session, root_keys.private_key,
                                std::move(root_keys.public_key_value));
        smartcard::Pkcs11Signer issuing(session, issuing_keys.private_key,
                                   std::move(issuing_keys.public_key_value));
        auto tls_key = crypto::SoftwareSigner::generate_ec("P-256");

        storage::Database db(c.resolved_database_url(), 1);
        db.migrate();
        pki::CertificateStore store(db);
        pki::CertificateAuthority ca(c, &store);
        const auto t = now();
        auto root_cert = ca.create_root(root, {t, t + days(20 * 365)});
        auto issuing_cert = ca.create_issuing_ca({root_cert.get(), root}, issuing.public_key(),
                                                 {t, t + days(10 * 365)});
        auto ocsp_cert =
            ca.create_ocsp_signer({issuing_cert.get(), issuing}, ocsp_keys.public_key_value.get(),
                                  {t, t + days(2 * 365)});
        auto tls_cert =
            ca.create_tls_server({root_cert.get(), root}, tls_key.public_key(), {"localhost"},
                                 {"127.0.0.1", "::1"}, {t, t + days(2 * 365)});
        write_file(dir / "ca" / "root.pem", ossl::to_pem(root_cert.get()));
        write_file(dir / "ca" / "issuing.pem", ossl::to_pem(issuing_cert.get()));
        write_file(dir / "ca" / "ocsp.pem", ossl::to_pem(ocsp_cert.get()));
        write_file(dir / "ca" / "chain.pem",
                   ossl::to_pem(issuing_cert.get()) + ossl::to_pem(root_cert.get()));
        write_file(dir / c.portal.tls_certificate,
                   ossl::to_pem(tls_cert.get()) + ossl::to_pem(root_cert.get()));
        write_file(dir / c.portal.tls_key, private_key_pem(tls_key.private_key()), true);
    }
    // The key that seals applicants' proofs at rest.
    new_order::DataKey::load_or_create(dir / c.new_order.data_key_file);
    // The secret the post office's push is signed with (sigcard.toml is readable only by the
    // trust center's user from here on).
    if (c.postident.push_secret.empty()) {
        c.postident.push_secret = encoding::hex(ossl::random_bytes(32));
    }
    // Written last: a folder without sigcard.toml is no trust center yet.
    write_file(dir / "sigcard.toml", c.to_toml(), true);
    guard.done();
    return c;
}

TrustCenter::TrustCenter(const std::filesystem::path& dir) {
    if (!std::filesystem::exists(dir / "sigcard.toml")) {
        throw Error(errors::not_found, dir.string());
    }
    config_ = config::TrustCenterConfig::load(dir);
    database_ = std::make_unique<storage::Database>(config_.resolved_database_url(), 8);
    database_->migrate();
    store_ = std::make_unique<pki::CertificateStore>(*database_);
    ca_ = std::make_unique<pki::CertificateAuthority>(config_, store_.get());
    root_cert_ = load_certificate(config_, "root.pem");
    issuing_cert_ = load_certificate(config_, "issuing.pem");
    ocsp_cert_ = load_certificate(config_, "ocsp.pem");

    use_token_store(config_);
    module_ = std::make_unique<smartcard::Pkcs11Module>(config_.hsm.module);
    const auto token = module_->find_token(config_.hsm.token_label);
    session_ = std::make_unique<smartcard::CardSession>(*module_, token.slot);
    session_->login(hsm_pin(config_));
    root_signer_.emplace(*session_, private_key_by_label(*session_, kRootKey),
                         public_key_of(root_cert_.get()));
    issuing_signer_.emplace(*session_, private_key_by_label(*session_, kIssuingKey),
                            public_key_of(issuing_cert_.get()));
    ocsp_signer_.emplace(*session_, private_key_by_label(*session_, kOcspKey),
                         public_key_of(ocsp_cert_.get()));
    root_guarded_.emplace(*root_signer_, hsm_mutex_);
    issuing_guarded_.emplace(*issuing_signer_, hsm_mutex_);
    ocsp_guarded_.emplace(*ocsp_signer_, hsm_mutex_);
}

TrustCenter::~TrustCenter() = default;

}  // namespace sigcard::authority
