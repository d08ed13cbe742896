// The revocation password (Sperrkennwort) a holder chooses for a new card: with it the card can
// be revoked by phone or online later. Checked where it is entered, stored only as an Argon2id
// hash (libsodium), never logged, never part of the signed document.
#pragma once

#include "common/secret.hpp"
#include "orders/order_data.hpp"

#include <string>
#include <vector>

namespace sigcard::orders {

inline constexpr std::size_t revocation_password_min_length = 8;
inline constexpr std::size_t revocation_password_max_length = 128;

// Errors for the fields "revocation.password" and "revocation.password_repeat".
std::vector<FieldError> validate_revocation_password(const Secret& password,
                                                     const Secret& repeated);

// The Argon2id hash string ($argon2id$…). Throws std::runtime_error when libsodium cannot.
std::string hash_revocation_password(const Secret& password);
bool revocation_password_matches(const std::string& hash, const Secret& password);

}  // namespace sigcard::orders
