// An operator's signature on something they decided (an approval, a rejection, an
// identification record): a CAdES signature over exactly the bytes shown, by exactly the
// certificate the operator is registered with, still good when it is checked. One check for
// every decision the back office stores as evidence.
#pragma once

#include "common/error.hpp"
#include "operators/operator_register.hpp"

#include <soci/soci.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sigcard::operators {

struct SignedByOperator {
    Operator who;
    std::string certificate_serial;
};

// Inside the caller's transaction. Throws `invalid` with the reason as detail when the signature
// does not verify over `content`, when its signer is not `operator_name`'s registered card, or
// when that card's certificate is not good at `now`; operator.not_found when no such operator
// may act.
SignedByOperator check_operator_signature(soci::session& s, const std::string& operator_name,
                                          std::string_view content,
                                          std::span<const std::uint8_t> cms,
                                          const ErrorCode& invalid, std::int64_t now);

}  // namespace sigcard::operators
