// Which card the terminal client orders with: the one named by --token; else the only card in
// reach with a qualified certificate; else, asked at the terminal, the one the holder picks (a
// script is told to name one).
#pragma once

#include "smartcard/pkcs11_module.hpp"
#include "cli/holder_terminal.hpp"
#include "common/error.hpp"

#include <string>

namespace sigcard::cli {

inline constexpr ErrorCode several_cards{
    "terminal.several_cards",
    "Es stecken mehrere Signaturkarten. Bitte wählen Sie eine mit --token LABEL.",
    "Several signature cards are in reach. Please choose one with --token LABEL."};

// `scripted`: the order data come from a file, nobody answers questions.
smartcard::TokenInfo choose_card(const smartcard::Pkcs11Module& module, const HolderTerminal& terminal,
                            const std::string& token_label, bool scripted);

}  // namespace sigcard::cli
