// Signing at the terminal with a card: the PIN on the reader's pad when it has one, else typed
// without echo — an interactive user gets the card's retry state and tries again, a script
// fails with the card's code — then a CAdES signature over exactly `content`.
#pragma once

#include "cli/holder_terminal.hpp"
#include "crypto/ossl.hpp"
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"

#include <string_view>

namespace sigcard::cli {

ossl::Bytes sign_at_terminal(smartcard::CardSession& session,
                             const smartcard::CardCertificate& certificate,
                             std::string_view content, const HolderTerminal& terminal,
                             std::string_view pin_prompt);

}  // namespace sigcard::cli
