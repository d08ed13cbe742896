// The holder's readers and cards as the agent uses them: reader state, every card in reach with
// the qualified certificate it holds, and the qualified signature itself — made only with the
// card holding the certificate the portal checked. PKCS#11 calls are serialised here: one
// operation at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "common/error.hpp"
#include "common/secret.hpp"

namespace sigcard::agent {

struct ReaderStatus {
    // ready | no_reader | no_card | a card.* error code when the module cannot be used
    std::string state;
    std::size_t readers = 0;
    std::size_t cards = 0;
};

// One reader and what the holder would want to know of the card in it to choose it.
struct HolderCard {
    smartcard::TokenInfo token;  // reader, presence, label, serial, PIN flags
    // Filled when the card holds a readable qualified signing certificate:
    ossl::Bytes certificate_der;
    std::string certificate_sha256;  // hex of the DER: what the portal names in a request
    std::string holder_name;         // the certificate's commonName (a pseudonym ends in :PN)
    std::string issuer_name;
    std::int64_t not_before = 0;  // Unix seconds
    std::int64_t not_after = 0;
    // Why a present card shows no certificate (card.no_qualified_certificate, card.in_use_…).
    const ErrorCode* problem = nullptr;

    bool usable() const { return token.present && !certificate_sha256.empty(); }
};

class HolderCards {
public:
    HolderCards(std::filesystem::path module_path, smartcard::CardPolicy policy);
    ~HolderCards();

    ReaderStatus status();
    // Every reader with its card and the card's certificate. Enumerates the readers anew, so a
    // card put in while the agent runs appears.
    std::vector<HolderCard> cards();
    // The qualified signing certificate of the card with this label (DER).
    ossl::Bytes qualified_certificate(const std::string& label);
    // The present card holding the certificate with this SHA-256 (hex). Throws, when no reader
    // holds it: card.no_reader, card.no_card, the error of a card that could not be read (e.g.
    // card.in_use_by_other_program) or card.checked_card_missing; and card.pin_pad_required when
    // policy wants a PIN pad and its reader has none.
    HolderCard find_by_certificate(const std::string& certificate_sha256);

    // Logs the holder in (on the PIN pad, or with `pin` when the reader has none) on the card
    // holding the certificate `certificate_sha256`, signs `document` as CAdES-B-B detached CMS
    // with its qualified key and logs out. Throws card.checked_card_missing before any PIN is
    // used when that card is gone, and card.* errors (pin_incorrect …).
    ossl::Bytes sign(const std::string& certificate_sha256, const Secret* pin,
                     std::string_view document);

    const smartcard::CardPolicy& policy() const { return policy_; }

private:
    // Loads the module on first use and again after a failed load: drivers may be installed
    // while the agent runs. With `fresh`, an existing module enumerates its slots anew.
    smartcard::Pkcs11Module& module(bool fresh = false);
    // Every slot, enumerated anew, with each card's certificate.
    std::vector<HolderCard> read_cards();
    HolderCard locate(const std::string& certificate_sha256);

    std::filesystem::path module_path_;
    smartcard::CardPolicy policy_;
    std::mutex mutex_;
    std::unique_ptr<smartcard::Pkcs11Module> module_;
};

}  // namespace sigcard::agent
