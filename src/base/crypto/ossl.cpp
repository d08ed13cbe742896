#include "crypto/ossl.hpp"

#include "crypto/der.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace sigcard::ossl {

std::string last_error() {
    std::string text;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!text.empty()) {
            text += "; ";
        }
        text += buf;
    }
    return text;
}

namespace {
template <typename T, auto I2d>
Bytes der_of(const T* obj) {
    int len = I2d(obj, nullptr);
    if (len <= 0) {
        throw std::runtime_error("DER encoding failed: " + last_error());
    }
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    I2d(obj, &p);
    return out;
}

BioPtr memory_bio() { return BioPtr(BIO_new(BIO_s_mem())); }

std::string drain(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}
}  // namespace

Bytes to_der(const X509* cert) { return der_of<X509, i2d_X509>(cert); }
Bytes to_der(const X509_CRL* crl) { return der_of<X509_CRL, i2d_X509_CRL>(crl); }

X509Ptr x509_from_der(std::span<const std::uint8_t> der) {
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (cert && p != der.data() + der.size()) {
        return nullptr;  // trailing garbage
    }
    ERR_clear_error();
    return cert;
}

X509Ptr x509_from_pem(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    return cert;
}

std::vector<X509Ptr> x509_chain_from_pem(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::vector<X509Ptr> chain;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        chain.emplace_back(cert);
    }
    ERR_clear_error();
    return chain;
}

std::string to_pem(const X509* cert) {
    auto bio = memory_bio();
    PEM_write_bio_X509(bio.get(), cert);
    return drain(bio.get());
}

std::string to_pem(const X509_CRL* crl) {
    auto bio = memory_bio();
    PEM_write_bio_X509_CRL(bio.get(), const_cast<X509_CRL*>(crl));
    return drain(bio.get());
}

Bytes digest(const EVP_MD* md, std::span<const std::uint8_t> data) {
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
        throw std::runtime_error("digest failed: " + last_error());
    }
    out.resize(len);
    return out;
}

Bytes sha256(std::span<const std::uint8_t> data) { return digest(EVP_sha256(), data); }

Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
        throw std::runtime_error("no randomness: " + last_error());
    }
    return out;
}

std::string serial_hex(const ASN1_INTEGER* serial) {
    BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) {
        throw Error(der::errors::malformed, "serial number");
    }
    char* hex = BN_bn2hex(bn.get());
    std::string text(hex);
    OPENSSL_free(hex);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const auto first = text.find_first_not_of('0');
    return first == std::string::npos ? "0" : text.substr(first);
}

std::string serial_hex(const X509* cert) {
    return serial_hex(X509_get0_serialNumber(cert));
}

std::chrono::sys_seconds to_seconds(const ASN1_TIME* time) {
    struct tm tm {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
        throw Error(der::errors::malformed, "time");
    }
    return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

}  // namespace sigcard::ossl
