#include "portal/pages/portal_request_signer.hpp"

#include "crypto/signer.hpp"
#include "encoding/encoding.hpp"
#include "storage/database.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigcard::portal::pages {

namespace {

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    return text.str();
}

void write_file(const std::filesystem::path& file, const std::string& text, bool secret) {
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) {
            throw std::runtime_error("cannot write " + file.string());
        }
    }
    if (secret) {
        std::filesystem::permissions(
            file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
}

std::string key_pem(EVP_PKEY* key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw std::runtime_error("cannot encode request-signing key: " + ossl::last_error());
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

ossl::EvpPkeyPtr key_from_pem(const std::string& pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        throw std::runtime_error("request-signing key unreadable: " + ossl::last_error());
    }
    return key;
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    ossl::X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
        throw std::runtime_error("certificate extension: " + ossl::last_error());
    }
}

// Self-issued: the agent pins this very certificate, so no CA vouches for it.
ossl::X509Ptr self_issued_certificate(EVP_PKEY* key) {
    ossl::X509Ptr cert(X509_new());
    const auto serial_bytes = ossl::random_bytes(16);
    ossl::BignumPtr serial(
        BN_bin2bn(serial_bytes.data(), static_cast<int>(serial_bytes.size()), nullptr));
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* common_name =
        reinterpret_cast<const unsigned char*>("SigCard portal request signing");
    if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, common_name, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 86400) == nullptr ||
        X509_set_pubkey(cert.get(), key) != 1) {
        throw std::runtime_error("request-signing certificate: " + ossl::last_error());
    }
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key, EVP_sha256()) == 0) {
        throw std::runtime_error("request-signing certificate: " + ossl::last_error());
    }
    return cert;
}

}  // namespace

PortalRequestSigner PortalRequestSigner::load_or_create(const std::filesystem::path& folder) {
    const auto key_path = folder / key_file;
    const auto cert_path = folder / certificate_file;
    const bool has_key = std::filesystem::exists(key_path);
    const bool has_cert = std::filesystem::exists(cert_path);
    if (!has_key && !has_cert) {
        std::filesystem::create_directories(folder);
        auto generated = crypto::SoftwareSigner::generate_ec("P-256");
        ossl::EvpPkeyPtr key(generated.private_key());
        EVP_PKEY_up_ref(key.get());
        auto cert = self_issued_certificate(key.get());
        write_file(key_path, key_pem(key.get()), true);
        write_file(cert_path, ossl::to_pem(cert.get()), false);
        return PortalRequestSigner(std::move(key), std::move(cert));
    }
    if (!has_key || !has_cert) {
        throw std::runtime_error("request-signing key and certificate must both exist in " +
                                 folder.string());
    }
    auto key = key_from_pem(read_file(key_path));
    auto cert = ossl::x509_from_pem(read_file(cert_path));
    if (!cert || X509_check_private_key(cert.get(), key.get()) != 1) {
        ossl::last_error();
        throw std::runtime_error("request-signing certificate does not match its key in " +
                                 folder.string());
    }
    return PortalRequestSigner(std::move(key), std::move(cert));
}

SignedPortalRequest PortalRequestSigner::sign(const std::string& origin,
                                              const std::string& document_sha256,
                                              const std::string& certificate_sha256,
                                              std::int64_t issued_at,
                                              std::int64_t expires_at) const {
    // A nonce of its own for every request: the agent takes each request once, and the holder
    // may ask for a fresh one for the same document after a cancel or a reload.
    const nlohmann::json request{{"origin", origin},
                                 {"document_sha256", document_sha256},
                                 {"certificate_sha256", certificate_sha256},
                                 {"nonce", encoding::hex(ossl::random_bytes(16))},
                                 {"issued_at", issued_at},
                                 {"expires_at", expires_at}};
    SignedPortalRequest signed_request;
    signed_request.portal_request = request.dump();
    ossl::EvpMdCtxPtr context(EVP_MD_CTX_new());
    std::size_t size = 0;
    const auto message = ossl::as_bytes(signed_request.portal_request);
    if (!context ||
        EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &size, message.data(), message.size()) != 1) {
        throw std::runtime_error("portal request signature: " + ossl::last_error());
    }
    ossl::Bytes signature(size);
    if (EVP_DigestSign(context.get(), signature.data(), &size, message.data(), message.size()) !=
        1) {
        throw std::runtime_error("portal request signature: " + ossl::last_error());
    }
    signature.resize(size);
    signed_request.portal_signature = encoding::to_base64(signature.data(), signature.size());
    return signed_request;
}

}  // namespace sigcard::portal::pages
