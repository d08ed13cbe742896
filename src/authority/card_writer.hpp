// Where production writes a new card. Without a card store of its own (sigcard.toml
// [production]) the card is personalised with the HSM's module in this process; with one — the
// personalisation station, in the demo the holders' own store — the card-side steps run in
// sigcard-card-writer, a process that sees only that store (SoftHSM2 serves one store per
// process), while the CA issues here.
#pragma once

#include "authority/trust_center.hpp"
#include "smartcard/token_admin.hpp"
#include "common/secret.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sigcard::authority {

class CardWriter {
public:
    virtual ~CardWriter() = default;
    // Initialises a blank card with the transport PIN and generates its key pair. Returns the
    // card's public key; card_serial() names the card from then on.
    virtual ossl::EvpPkeyPtr begin(const std::string& label, smartcard::KeyType key_type,
                                   const Secret& transport_pin) = 0;
    virtual const std::string& card_serial() const = 0;
    // Writes the issued certificate and its chain (issuing CA, root) onto the card.
    virtual void finish(const X509* certificate, const std::vector<const X509*>& chain) = 0;
};

// The writer sigcard.toml asks for. Throws production.card_writer_failed when the card writer
// program cannot be started.
std::unique_ptr<CardWriter> card_writer_for(TrustCenter& trust_center);

// The card writer program: $SIGCARD_CARD_WRITER, else sigcard-card-writer beside the running
// executable, else the one on PATH.
std::filesystem::path card_writer_program();

}  // namespace sigcard::authority
