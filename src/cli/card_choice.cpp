#include "cli/card_choice.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <vector>

#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "orders/order_document.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"

namespace sigcard::cli {

// The card the holder orders with: the one named by --token; else the only card with a
// qualified certificate; else, at a terminal, the one the holder picks from the list.
smartcard::TokenInfo choose_card(const smartcard::Pkcs11Module& module, const HolderTerminal& terminal,
                            const std::string& token_label, bool scripted) {
    if (!token_label.empty()) {
        return module.find_token(token_label);
    }
    struct Choice {
        smartcard::TokenInfo token;
        std::string holder;
        std::int64_t not_after;
    };
    std::vector<Choice> choices;
    for (const auto& slot : module.slots()) {
        if (!slot.present || !slot.initialized()) {
            continue;
        }
        try {
            smartcard::CardSession probe(module, slot.slot);
            const auto certificate = smartcard::qualified_signing_certificate(probe).certificate;
            const auto profile = pki::read_holder_profile(certificate.get());
            choices.push_back({slot, profile.common_name(),
                               ossl::to_seconds(X509_get0_notAfter(certificate.get()))
                                   .time_since_epoch()
                                   .count()});
        } catch (const Error&) {
            // no qualified certificate on it (or held by another program): not a choice
        }
    }
    if (choices.empty()) {
        return module.only_token();  // says no reader, no card, or a card without certificate
    }
    if (choices.size() == 1) {
        return choices.front().token;
    }
    if (!terminal.interactive() && scripted) {
        throw Error(several_cards, fmt::format("{} cards", choices.size()));  // a script: no one to ask
    }
    terminal.say(terminal.text("Es stecken mehrere Signaturkarten. Mit welcher möchten Sie bestellen?",
                   "Several signature cards are in reach. Which one do you want to order with?"));
    for (std::size_t i = 0; i < choices.size(); ++i) {
        terminal.say(fmt::format("  {}) {}, {} {} ({}, {})", i + 1, choices[i].holder,
                           terminal.text("gültig bis", "valid until"),
                           orders::format_utc(choices[i].not_after).substr(0, 10),
                           choices[i].token.label, choices[i].token.reader));
    }
    for (;;) {
        const auto answer = terminal.ask(terminal.text("Nummer der Karte", "Number of the card"));
        const auto number = std::atoi(answer.c_str());
        if (number >= 1 && static_cast<std::size_t>(number) <= choices.size()) {
            return choices[static_cast<std::size_t>(number) - 1].token;
        }
        terminal.say(terminal.text("Bitte geben Sie eine der Nummern oben ein.",
                       "Please enter one of the numbers above."));
    }
}

}  // namespace sigcard::cli
