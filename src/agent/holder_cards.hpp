// The holder's readers and cards as the agent uses them: reader state, the cards present, the
// qualified certificate of a card, and the qualified signature itself. PKCS#11 calls are
// serialised here: one reader, one card, one operation at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "card/card_session.hpp"
#include "card/pkcs11_module.hpp"
#include "common/secret.hpp"

namespace sigcard::agent {

struct ReaderStatus {
    // ready | no_reader | no_card | a card.* error code when the module cannot be used
    std::string state;
    std::size_t readers = 0;
    std::size_t cards = 0;
};

class HolderCards {
public:
    HolderCards(std::filesystem::path module_path, card::CardPolicy policy);
    ~HolderCards();

    ReaderStatus status();
    // Every slot: present cards with label and serial, empty readers with present = false.
    std::vector<card::TokenInfo> cards();
    // The card with this label. Throws card.* errors (token_not_found …), and
    // card.pin_pad_required when policy wants a PIN pad and the reader has none.
    card::TokenInfo find_card(const std::string& label);
    // The qualified signing certificate of the card (DER).
    ossl::Bytes qualified_certificate(const std::string& label);

    // Logs the holder in (on the PIN pad, or with `pin` when the reader has none), signs
    // `document` as CAdES-B-B detached CMS with the qualified key and logs out. The card must
    // still be the one with `serial`. Throws card.* errors (pin_incorrect …).
    ossl::Bytes sign(const std::string& label, const std::string& serial, const Secret* pin,
                     std::string_view document);

    const card::CardPolicy& policy() const { return policy_; }

private:
    // Loads the module on first use and again after a failed load: drivers may be installed
    // while the agent runs.
    const card::Pkcs11Module& module();

    std::filesystem::path module_path_;
    card::CardPolicy policy_;
    std::mutex mutex_;
    std::unique_ptr<card::Pkcs11Module> module_;
};

}  // namespace sigcard::agent
