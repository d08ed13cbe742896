#include "agent/holder_cards.hpp"

#include <optional>

#include "card/card_certificates.hpp"
#include "card/card_errors.hpp"
#include "card/pkcs11_signer.hpp"
#include "signature/cades.hpp"

namespace sigcard::agent {

HolderCards::HolderCards(std::filesystem::path module_path, card::CardPolicy policy)
    : module_path_(std::move(module_path)), policy_(policy) {}

HolderCards::~HolderCards() = default;

const card::Pkcs11Module& HolderCards::module() {
    if (!module_) {
        module_ = std::make_unique<card::Pkcs11Module>(module_path_);
    }
    return *module_;
}

ReaderStatus HolderCards::status() {
    const std::lock_guard lock(mutex_);
    ReaderStatus status;
    try {
        const auto slots = module().slots();
        status.readers = slots.size();
        for (const auto& slot : slots) {
            status.cards += slot.present && slot.initialized() ? 1 : 0;
        }
        status.state = status.readers == 0 ? "no_reader" : status.cards == 0 ? "no_card" : "ready";
    } catch (const Error& e) {
        status.state = std::string(e.id());
    }
    return status;
}

std::vector<card::TokenInfo> HolderCards::cards() {
    const std::lock_guard lock(mutex_);
    return module().slots();
}

card::TokenInfo HolderCards::find_card(const std::string& label) {
    const std::lock_guard lock(mutex_);
    auto token = module().find_token(label);
    if (policy_.require_pin_pad && !token.has_pin_pad()) {
        throw Error(card::errors::pin_pad_required, "reader " + token.reader);
    }
    return token;
}

ossl::Bytes HolderCards::qualified_certificate(const std::string& label) {
    const std::lock_guard lock(mutex_);
    const auto token = module().find_token(label);
    card::CardSession session(module(), token.slot);
    return ossl::to_der(card::qualified_signing_certificate(session).certificate.get());
}

ossl::Bytes HolderCards::sign(const std::string& label, const std::string& serial,
                              const Secret* pin, std::string_view document) {
    const std::lock_guard lock(mutex_);
    const auto token = module().find_token(label);
    // Another card with the same label is not the card the holder was shown.
    if (token.serial != serial) {
        throw Error(card::errors::token_not_found, "serial changed since the request");
    }
    card::CardSession session(module(), token.slot);
    session.login_holder(policy_, token.has_pin_pad() ? nullptr : pin);
    const auto certificate = card::qualified_signing_certificate(session);
    // An always-authenticate key asks again for the PIN: from the pad, or the same PIN.
    std::optional<Secret> context_pin;
    if (pin != nullptr && !token.has_pin_pad()) {
        context_pin = *pin;
    }
    auto signer = card::Pkcs11Signer::for_certificate(session, certificate, std::move(context_pin));
    return signature::create_cades(signer, certificate.certificate.get(), ossl::as_bytes(document));
}

}  // namespace sigcard::agent
