// What the eligibility policy decides on, gathered from path validation, the card register and
// the orders: for the holder's check and again in the writer's transaction.
#pragma once

#include "cards/card_register.hpp"
#include "follow_up/eligibility_policy.hpp"
#include "pki/path_validation.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sigcard::orders {

CertificateStanding standing_of(pki::ValidationStatus status);

std::int64_t not_after_of(const X509* cert);

// `card` finds the register's record of a certificate serial; `open_order` a card's open order.
EligibilityFacts facts_of(
    const X509* cert, const pki::ValidationResult& validation,
    const std::function<std::optional<cards::CardRecord>(const std::string&)>& card,
    const std::function<std::optional<std::string>(std::int64_t)>& open_order);

}  // namespace sigcard::orders
