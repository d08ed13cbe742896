#include "pki/verified_certificates.hpp"

#include <mutex>

namespace sigcard::pki {

namespace {
std::string key_of(std::span<const std::uint8_t> der) {
    return {reinterpret_cast<const char*>(der.data()), der.size()};
}
}  // namespace

VerifiedCertificates::VerifiedCertificates(std::size_t capacity)
    : capacity_(capacity > 0 ? capacity : 1) {}

ossl::X509Ptr VerifiedCertificates::find(std::span<const std::uint8_t> der) const {
    const std::string key = key_of(der);
    std::shared_lock lock(mutex_);
    const auto it = by_der_.find(key);
    if (it == by_der_.end()) {
        return nullptr;
    }
    X509_up_ref(it->second.get());
    return ossl::X509Ptr(it->second.get());
}

void VerifiedCertificates::remember(std::span<const std::uint8_t> der, const X509* cert) {
    std::string key = key_of(der);
    X509_up_ref(const_cast<X509*>(cert));
    ossl::X509Ptr held(const_cast<X509*>(cert));
    std::unique_lock lock(mutex_);
    if (by_der_.contains(key)) {
        return;
    }
    while (by_der_.size() >= capacity_) {
        by_der_.erase(std::string(oldest_first_.front()));
        oldest_first_.pop_front();
    }
    const auto [it, inserted] = by_der_.emplace(std::move(key), std::move(held));
    oldest_first_.push_back(it->first);
}

std::size_t VerifiedCertificates::size() const {
    std::shared_lock lock(mutex_);
    return by_der_.size();
}

}  // namespace sigcard::pki
