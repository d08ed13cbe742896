#include "cli/card_signing.hpp"

#include "signature/cades.hpp"
#include "smartcard/pkcs11_signer.hpp"

#include <fmt/format.h>

#include <optional>

namespace sigcard::cli {

ossl::Bytes sign_at_terminal(smartcard::CardSession& session,
                             const smartcard::CardCertificate& certificate,
                             std::string_view content, const HolderTerminal& t,
                             std::string_view pin_prompt) {
    const smartcard::CardPolicy policy;  // the portal's policy decides on the pad for production cards
    std::optional<Secret> pin;
    if (session.token().has_pin_pad()) {
        t.say(t.text("Bitte PIN am Kartenleser eingeben.", "Please enter the PIN on the reader."));
        session.login_holder(policy, nullptr);
    } else {
        for (;;) {
            pin = t.read_pin(pin_prompt);
            try {
                session.login_holder(policy, &*pin);
                break;
            } catch (const Error& e) {
                // Interactive users get the retry state and try again; scripts fail with the code.
                if (!t.interactive() || !e.id().starts_with("card.pin_incorrect")) {
                    throw;
                }
                t.say(fmt::format("[{}] {}", e.id(), t.text(e.code().de, e.code().en)));
            }
        }
    }
    auto signer = smartcard::Pkcs11Signer::for_certificate(session, certificate, pin);
    return signature::create_cades(signer, certificate.certificate.get(), ossl::as_bytes(content));
}

}  // namespace sigcard::cli
