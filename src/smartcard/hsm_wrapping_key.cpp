#include "smartcard/hsm_wrapping_key.hpp"

#include "crypto/ossl.hpp"

#include <vector>

namespace sigcard::smartcard {

namespace {

constexpr std::size_t kIv = 12;
constexpr std::size_t kTag = 16;

CK_GCM_PARAMS gcm(std::uint8_t* iv, std::string_view aad) {
    CK_GCM_PARAMS params{};
    params.pIv = iv;
    params.ulIvLen = kIv;
    params.ulIvBits = kIv * 8;
    params.pAAD = reinterpret_cast<CK_BYTE_PTR>(const_cast<char*>(aad.data()));
    params.ulAADLen = aad.size();
    params.ulTagBits = kTag * 8;
    return params;
}

}  // namespace

HsmWrappingKey::HsmWrappingKey(const Pkcs11Module& module, CK_SLOT_ID slot, const Secret& pin,
                               std::string label)
    : session_(std::make_unique<CardSession>(module, slot, CardSession::Access::read_write)) {
    session_->login(pin);  // CKR_USER_ALREADY_LOGGED_IN counts as logged in
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    CK_KEY_TYPE aes = CKK_AES;
    CK_ATTRIBUTE match[] = {
        {CKA_CLASS, &secret_class, sizeof secret_class},
        {CKA_KEY_TYPE, &aes, sizeof aes},
        {CKA_LABEL, label.data(), label.size()},
    };
    const auto found = session_->find_objects(match);
    if (!found.empty()) {
        key_ = found.front();
        return;
    }
    session_->require_mechanism(CKM_AES_KEY_GEN);
    CK_MECHANISM mechanism{CKM_AES_KEY_GEN, nullptr, 0};
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_ULONG length = 32;
    CK_ATTRIBUTE spec[] = {
        {CKA_CLASS, &secret_class, sizeof secret_class},
        {CKA_KEY_TYPE, &aes, sizeof aes},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_ENCRYPT, &yes, sizeof yes},
        {CKA_DECRYPT, &yes, sizeof yes},
        {CKA_VALUE_LEN, &length, sizeof length},
        {CKA_LABEL, label.data(), label.size()},
    };
    session_->check(session_->api().C_GenerateKey(session_->handle(), &mechanism, spec,
                                                  std::size(spec), &key_),
                    errors::Step::other, "C_GenerateKey");
}

std::string HsmWrappingKey::wrap(std::span<const std::uint8_t> key, std::string_view aad) {
    std::lock_guard lock(mutex_);
    auto iv = ossl::random_bytes(kIv);
    auto params = gcm(iv.data(), aad);
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    session_->check(session_->api().C_EncryptInit(session_->handle(), &mechanism, key_),
                    errors::Step::other, "C_EncryptInit");
    std::vector<std::uint8_t> out(key.size() + kTag);
    CK_ULONG length = out.size();
    session_->check(session_->api().C_Encrypt(session_->handle(),
                                              const_cast<CK_BYTE_PTR>(key.data()), key.size(),
                                              out.data(), &length),
                    errors::Step::other, "C_Encrypt");
    return std::string(iv.begin(), iv.end()) +
           std::string(reinterpret_cast<const char*>(out.data()), length);
}

Secret HsmWrappingKey::unwrap(std::string_view wrapped, std::string_view aad) {
    std::lock_guard lock(mutex_);
    if (wrapped.size() <= kIv + kTag) {
        session_->check(CKR_ENCRYPTED_DATA_INVALID, errors::Step::other, "C_Decrypt");
    }
    std::vector<std::uint8_t> iv(wrapped.begin(), wrapped.begin() + kIv);
    auto params = gcm(iv.data(), aad);
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    session_->check(session_->api().C_DecryptInit(session_->handle(), &mechanism, key_),
                    errors::Step::other, "C_DecryptInit");
    std::vector<std::uint8_t> out(wrapped.size());
    CK_ULONG length = out.size();
    auto* in = reinterpret_cast<CK_BYTE_PTR>(const_cast<char*>(wrapped.data() + kIv));
    session_->check(session_->api().C_Decrypt(session_->handle(), in, wrapped.size() - kIv,
                                              out.data(), &length),
                    errors::Step::other, "C_Decrypt");
    Secret key(std::string(reinterpret_cast<const char*>(out.data()), length));
    OPENSSL_cleanse(out.data(), out.size());
    return key;
}

}  // namespace sigcard::smartcard
