// Holder certificates whose signature by the issuing CA has been checked, kept parsed (with their
// public key) under their exact DER bytes. A holder's certificate arrives with the eligibility
// request, again with the draft and again inside the signed order; the memo spares the later
// parses and CA signature checks. What it remembers cannot change for the same bytes and the
// same CA key, so it needs no expiry; validity, key usage and revocation status are still checked
// on every use. Bounded: when full, the oldest entry goes. Thread-safe.
#pragma once

#include "crypto/ossl.hpp"

#include <deque>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sigcard::pki {

class VerifiedCertificates {
public:
    explicit VerifiedCertificates(std::size_t capacity);

    // The remembered certificate with exactly these bytes, or nullptr.
    ossl::X509Ptr find(std::span<const std::uint8_t> der) const;
    // Call only after the certificate's signature by the issuing CA verified.
    void remember(std::span<const std::uint8_t> der, const X509* cert);
    std::size_t size() const;

private:
    const std::size_t capacity_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, ossl::X509Ptr> by_der_;
    std::deque<std::string_view> oldest_first_;  // views of by_der_'s keys
};

}  // namespace sigcard::pki
