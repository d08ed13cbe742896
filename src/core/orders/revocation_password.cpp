#include "orders/revocation_password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "orders/order_errors.hpp"

namespace sigcard::orders {

namespace {

inline constexpr ErrorCode password_too_short{
    "field.revocation_password_too_short",
    "Das Sperrkennwort muss mindestens 8 Zeichen lang sein.",
    "The revocation password must be at least 8 characters long."};
inline constexpr ErrorCode password_too_long{
    "field.revocation_password_too_long", "Das Sperrkennwort darf höchstens 128 Zeichen lang sein.",
    "The revocation password may be at most 128 characters long."};
inline constexpr ErrorCode passwords_differ{
    "field.revocation_password_mismatch",
    "Die beiden Eingaben des Sperrkennworts stimmen nicht überein.",
    "The two entries of the revocation password do not match."};

void ready() {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium could not be initialised");
    }
}

}  // namespace

std::vector<FieldError> validate_revocation_password(const Secret& password,
                                                     const Secret& repeated) {
    std::vector<FieldError> errors;
    if (password.empty()) {
        errors.push_back({"revocation.password", &errors::field_required});
    } else if (password.size() < revocation_password_min_length) {
        errors.push_back({"revocation.password", &password_too_short});
    } else if (password.size() > revocation_password_max_length) {
        errors.push_back({"revocation.password", &password_too_long});
    } else if (password.view() != repeated.view()) {
        errors.push_back({"revocation.password_repeat", &passwords_differ});
    }
    return errors;
}

std::string hash_revocation_password(const Secret& password) {
    ready();
    char hash[crypto_pwhash_STRBYTES];
    // Argon2id with libsodium's interactive limits (64 MiB, a fraction of a second).
    if (crypto_pwhash_str_alg(hash, password.view().data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("Argon2id hash failed (out of memory)");
    }
    return hash;
}

bool revocation_password_matches(const std::string& hash, const Secret& password) {
    ready();
    return crypto_pwhash_str_verify(hash.c_str(), password.view().data(), password.size()) == 0;
}

}  // namespace sigcard::orders
