#include "new_order/proofs.hpp"

#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "new_order/new_order_errors.hpp"
#include "new_order/pdf_content.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigcard::new_order {

namespace {

void ensure_sodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
}

}  // namespace

std::optional<std::string> recognised_media_type(std::string_view content) {
    if (content.starts_with("%PDF-")) {
        return "application/pdf";
    }
    if (content.size() > 3 && content.starts_with("\xFF\xD8\xFF")) {
        return "image/jpeg";
    }
    if (content.starts_with(std::string_view("\x89PNG\r\n\x1A\n", 8))) {
        return "image/png";
    }
    return std::nullopt;
}

AcceptedProof accept_proof(const std::string& attribute, std::string content,
                           std::size_t max_bytes) {
    if (content.size() > max_bytes) {
        throw Error(errors::proof_too_large, attribute);
    }
    const auto type = recognised_media_type(content);
    if (!type) {
        throw Error(errors::proof_type, attribute);
    }
    if (*type == "application/pdf" && has_active_content(content)) {
        throw Error(errors::proof_active_content, attribute);
    }
    AcceptedProof proof{attribute, *type, std::move(content), {}};
    proof.sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(proof.content)));
    return proof;
}

DataKey DataKey::load_or_create(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) {
        std::filesystem::create_directories(file.parent_path());
        const auto tmp = file.string() + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            ::chmod(tmp.c_str(), 0600);
            auto raw = ossl::random_bytes(32);
            out << encoding::hex(raw) << "\n";
            OPENSSL_cleanse(raw.data(), raw.size());
            if (!out.flush()) {
                throw std::runtime_error("cannot write " + file.string());
            }
        }
        std::filesystem::rename(tmp, file);
    }
    std::ifstream in(file);
    std::string hex;
    std::getline(in, hex);
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
        OPENSSL_cleanse(hex.data(), hex.size());
        throw std::runtime_error(file.string() + " holds no 32-byte key in hex");
    }
    auto raw = encoding::from_hex(hex);
    OPENSSL_cleanse(hex.data(), hex.size());
    DataKey key{Secret(raw)};
    OPENSSL_cleanse(raw.data(), raw.size());
    return key;
}

std::string DataKey::seal(std::string_view plain, std::string_view context) const {
    ensure_sodium();
    std::string sealed(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                           crypto_aead_xchacha20poly1305_ietf_ABYTES,
                       '\0');
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, out,
        reinterpret_cast<const unsigned char*>(key_.view().data()));
    sealed.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + length);
    return sealed;
}

std::string DataKey::open(std::string_view sealed, std::string_view context) const {
    ensure_sodium();
    constexpr auto header =
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (sealed.size() < header) {
        throw std::runtime_error("sealed value too short");
    }
    const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
    std::string plain(sealed.size() - header, '\0');
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
            in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            reinterpret_cast<const unsigned char*>(context.data()), context.size(), in,
            reinterpret_cast<const unsigned char*>(key_.view().data())) != 0) {
        throw std::runtime_error("sealed value does not open: changed or another context");
    }
    plain.resize(length);
    return plain;
}

std::string DataKey::mac(std::string_view purpose, std::string_view message) const {
    // A key per purpose: HMAC(data key, purpose), then HMAC(that, message).
    std::array<unsigned char, 32> derived{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key_.view().data(), static_cast<int>(key_.view().size()),
         reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), derived.data(),
         &length);
    std::array<unsigned char, 32> tag{};
    HMAC(EVP_sha256(), derived.data(), static_cast<int>(derived.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), tag.data(),
         &length);
    OPENSSL_cleanse(derived.data(), derived.size());
    return encoding::hex(ossl::Bytes(tag.begin(), tag.end()));
}

}  // namespace sigcard::new_order
