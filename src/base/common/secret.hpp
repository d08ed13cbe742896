// A byte string for secrets (PINs, key material) that is wiped when it goes away.
#pragma once

#include <openssl/crypto.h>

#include <string>
#include <string_view>

namespace sigcard {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string_view value) : value_(value) {}
    Secret(const Secret& other) : value_(other.value_) {}
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
    Secret& operator=(Secret other) noexcept {
        wipe();
        value_.swap(other.value_);
        return *this;
    }
    ~Secret() { wipe(); }

    std::string_view view() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }
    std::size_t size() const noexcept { return value_.size(); }

    // The whole buffer, not just the current size: a moved-from or shortened string keeps the
    // old bytes in its capacity (a short one in its small-string buffer).
    void wipe() noexcept {
        OPENSSL_cleanse(value_.data(), value_.capacity());
        value_.clear();
    }

private:
    std::string value_;
};

}  // namespace sigcard
