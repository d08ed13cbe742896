#include "smartcard/blank_card.hpp"

#include "encoding/encoding.hpp"

namespace sigcard::smartcard {

BlankCard::BlankCard(const Pkcs11Module& module, const std::string& label, KeyType key_type,
                     const Secret& transport_pin) {
    const auto blank = module.free_slot();
    // The security officer PIN of a holder's card is never needed again: random and forgotten.
    const Secret so_pin(encoding::hex(ossl::random_bytes(16)));
    initialize_token(module, blank.slot, label, so_pin);
    const auto token = module.find_token(label);
    {
        CardSession so(module, token.slot, CardSession::Access::read_write);
        so.login_security_officer(so_pin);
        set_user_pin(so, transport_pin);
    }
    session_ = std::make_unique<CardSession>(module, token.slot, CardSession::Access::read_write);
    session_->login(transport_pin);
    key_id_ = ossl::random_bytes(16);
    auto keys = generate_key_pair(*session_, {key_type, key_id_, "Qualified signature key"});
    public_key_ = std::move(keys.public_key_value);
    card_serial_ = token.serial;
}

void BlankCard::store_certificates(const X509* certificate,
                                   const std::vector<const X509*>& chain) {
    store_certificate(*session_, certificate, key_id_, "Qualified signature certificate");
    static const char* const names[] = {"Qualified CA", "Root CA"};
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto id = ossl::Bytes{'c', 'a', static_cast<std::uint8_t>('1' - i)};
        store_ca_certificate(*session_, chain[i], id, i < 2 ? names[i] : "CA");
    }
}

}  // namespace sigcard::smartcard
