// Errors of the card and partner registers.
#pragma once

#include "common/error.hpp"

namespace sigcard::cards::errors {

inline constexpr ErrorCode partner_exists{
    "partner.exists", "Ein Kooperationspartner mit diesem Namen ist bereits eingetragen.",
    "A cooperation partner with this name is already registered."};
inline constexpr ErrorCode partner_invalid{
    "partner.invalid", "Für einen Kooperationspartner sind Name und E-Mail-Adresse nötig.",
    "A cooperation partner needs a name and an email address."};
inline constexpr ErrorCode partner_unknown{"partner.unknown",
                                           "Dieser Kooperationspartner ist nicht eingetragen.",
                                           "This cooperation partner is not registered."};

}  // namespace sigcard::cards::errors
