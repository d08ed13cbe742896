// Whether a card may place a follow-up order (R1, R4, R6 and the trust center's own rules):
// a pure decision over facts that the PKI and the card register have established.
#pragma once

#include "cards/card_register.hpp"
#include "common/error.hpp"
#include "config/trust_center_config.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sigcard::orders {

// What path validation said about the card's certificate at the time of the check.
enum class CertificateStanding {
    valid,
    foreign,  // not issued by this trust center's qualified CA
    invalid,  // malformed, bad signature, not a qualified signing certificate
    expired,
    not_yet_valid,
    revoked,
    on_hold,
    status_unavailable,
};

struct EligibilityFacts {
    CertificateStanding standing = CertificateStanding::invalid;
    std::int64_t certificate_not_after = 0;
    std::optional<cards::CardRecord> card;                // nullopt: no card on record
    std::optional<std::string> open_order_number;  // an open follow-up order for this card
};

struct EligibilityDecision {
    const ErrorCode* refusal = nullptr;  // nullptr: eligible
    bool new_order_instead = false;      // the way forward is a new order with identification
    std::optional<cards::Partner> partner;  // for partner cards: whom to ask instead
    std::optional<std::string> open_order_number;
    std::optional<std::int64_t> window_opens_at;  // when too early

    bool eligible() const noexcept { return refusal == nullptr; }
};

class EligibilityPolicy {
public:
    explicit EligibilityPolicy(config::Policy values) : values_(values) {}

    EligibilityDecision decide(const EligibilityFacts& facts, std::int64_t now) const;

    // The first moment a certificate valid until `not_after` may be renewed.
    std::int64_t window_opens(std::int64_t not_after) const;

private:
    config::Policy values_;
};

}  // namespace sigcard::orders
