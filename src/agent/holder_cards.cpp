#include "agent/holder_cards.hpp"

#include <openssl/x509.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include "encoding/encoding.hpp"
#include "signature/cades.hpp"
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_errors.hpp"
#include "smartcard/pkcs11_signer.hpp"

namespace sigcard::agent {

namespace {

std::string common_name(const X509_NAME* name) {
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) {
        return {};
    }
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0) {
        return {};
    }
    std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return text;
}

std::int64_t unix_time(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1) {
        return 0;
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

void describe_certificate(HolderCard& card, const X509* certificate) {
    card.certificate_der = ossl::to_der(certificate);
    card.certificate_sha256 = encoding::hex(ossl::sha256(card.certificate_der));
    card.holder_name = common_name(X509_get_subject_name(certificate));
    card.issuer_name = common_name(X509_get_issuer_name(certificate));
    card.not_before = unix_time(X509_get0_notBefore(certificate));
    card.not_after = unix_time(X509_get0_notAfter(certificate));
}

}  // namespace

HolderCards::HolderCards(std::filesystem::path module_path, smartcard::CardPolicy policy)
    : module_path_(std::move(module_path)), policy_(policy) {}

HolderCards::~HolderCards() = default;

smartcard::Pkcs11Module& HolderCards::module(bool fresh) {
    if (!module_) {
        module_ = std::make_unique<smartcard::Pkcs11Module>(module_path_);
    } else if (fresh) {
        try {
            module_->reinitialize();
        } catch (...) {
            module_.reset();
            throw;
        }
    }
    return *module_;
}

ReaderStatus HolderCards::status() {
    const std::lock_guard lock(mutex_);
    ReaderStatus status;
    try {
        const auto slots = module(true).slots();
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

std::vector<HolderCard> HolderCards::read_cards() {
    auto& cards_module = module(true);
    std::vector<HolderCard> list;
    for (auto& slot : cards_module.slots()) {
        HolderCard card;
        card.token = std::move(slot);
        if (card.token.present && card.token.initialized()) {
            try {
                smartcard::CardSession session(cards_module, card.token.slot);
                describe_certificate(card,
                                     smartcard::qualified_signing_certificate(session).certificate.get());
            } catch (const Error& e) {
                card.problem = &e.code();
            }
        }
        list.push_back(std::move(card));
    }
    return list;
}

std::vector<HolderCard> HolderCards::cards() {
    const std::lock_guard lock(mutex_);
    return read_cards();
}

ossl::Bytes HolderCards::qualified_certificate(const std::string& label) {
    const std::lock_guard lock(mutex_);
    const auto token = module(true).find_token(label);
    smartcard::CardSession session(module(), token.slot);
    return ossl::to_der(smartcard::qualified_signing_certificate(session).certificate.get());
}

HolderCard HolderCards::locate(const std::string& certificate_sha256) {
    const auto all = read_cards();
    for (auto card : all) {
        if (card.usable() && card.certificate_sha256 == certificate_sha256) {
            if (policy_.require_pin_pad && !card.token.has_pin_pad()) {
                throw Error(smartcard::errors::pin_pad_required, "reader " + card.token.reader);
            }
            return card;
        }
    }
    // Not found: the most helpful reason first — no reader, no card, a card another program
    // holds (it may be the one), and only then another card in the reader.
    if (all.empty()) {
        throw Error(smartcard::errors::no_reader);
    }
    const auto present = std::find_if(all.begin(), all.end(),
                                      [](const HolderCard& c) { return c.token.present; });
    if (present == all.end()) {
        throw Error(smartcard::errors::no_card);
    }
    for (const auto& card : all) {
        if (card.problem != nullptr && card.problem != &smartcard::errors::no_qualified_certificate) {
            throw Error(*card.problem, "reader " + card.token.reader);
        }
    }
    throw Error(smartcard::errors::checked_card_missing, "certificate " + certificate_sha256);
}

HolderCard HolderCards::find_by_certificate(const std::string& certificate_sha256) {
    const std::lock_guard lock(mutex_);
    return locate(certificate_sha256);
}

ossl::Bytes HolderCards::sign(const std::string& certificate_sha256, const Secret* pin,
                              std::string_view document) {
    const std::lock_guard lock(mutex_);
    // Looked up again now: the card may have been swapped since the request was opened.
    const auto card = locate(certificate_sha256);
    smartcard::CardSession session(module(), card.token.slot);
    session.login_holder(policy_, card.token.has_pin_pad() ? nullptr : pin);
    const auto certificate = smartcard::qualified_signing_certificate(session);
    if (encoding::hex(ossl::sha256(ossl::to_der(certificate.certificate.get()))) !=
        certificate_sha256) {
        throw Error(smartcard::errors::checked_card_missing, "card swapped during login");
    }
    // An always-authenticate key asks again for the PIN: from the pad, or the same PIN.
    std::optional<Secret> context_pin;
    if (pin != nullptr && !card.token.has_pin_pad()) {
        context_pin = *pin;
    }
    auto signer = smartcard::Pkcs11Signer::for_certificate(session, certificate, std::move(context_pin));
    return signature::create_cades(signer, certificate.certificate.get(), ossl::as_bytes(document));
}

}  // namespace sigcard::agent
