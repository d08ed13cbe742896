#include "authority/card_production.hpp"
#include "common/clock.hpp"

#include "audit/audit_log.hpp"
#include "authority/card_writer.hpp"
#include "pki/revocation.hpp"

#include <nlohmann/json.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>

namespace sigcard::authority {

ProducedCard produce_card(TrustCenter& tc, const CardOrder& order) {
    const auto writer = card_writer_for(tc);
    const auto public_key = writer->begin(order.token_label, order.key_type, order.transport_pin);

    ProducedCard produced;
    produced.token_label = order.token_label;
    produced.card_serial = writer->card_serial();
    produced.certificate = tc.ca().issue_qualified(tc.issuing_ca(), public_key.get(),
                                                   order.holder, order.validity);
    produced.certificate_serial = ossl::serial_hex(produced.certificate.get());
    if (order.hold_until_receipt) {
        // Held before it leaves the CA: a card lost in the post never signs anything valid.
        pki::place_on_hold(tc.certificates(), produced.certificate_serial,
                           pki::Seconds(std::chrono::seconds(unix_now())));
    }
    writer->finish(produced.certificate.get(), {tc.issuing_certificate(), tc.root_certificate()});

    cards::CardEntry entry;
    entry.card_serial = produced.card_serial;
    entry.token_label = order.token_label;
    entry.certificate_serial = produced.certificate_serial;
    entry.partner_id = order.partner_id;
    entry.identification_method = order.identification_method;
    entry.identified_at = order.identified_at;
    entry.remote_renewals = order.remote_renewals;
    entry.replaces_card_id = order.replaces_card_id;
    entry.order_id = order.order_id;
    entry.state = cards::CardState::produced;
    entry.produced_at = unix_now();
    auto& db = tc.database();
    produced.card_id = db.in_transaction([&](soci::session& s) {
        const auto id = cards::CardRegister::add(s, entry);
        audit::append(s, db.dialect(), order.actor, "card.produced", produced.card_serial,
                      nlohmann::json{{"card_id", id},
                                     {"certificate_serial", produced.certificate_serial},
                                     {"order_id", order.order_id.value_or(0)},
                                     {"replaces_card_id", order.replaces_card_id.value_or(0)},
                                     {"on_hold_until_receipt", order.hold_until_receipt}}
                          .dump());
        return id;
    });
    return produced;
}

Secret random_transport_pin() {
    std::string pin;
    while (pin.size() < 6) {
        for (const auto byte : ossl::random_bytes(8)) {
            if (byte < 250 && pin.size() < 6) {  // 250 = 25 × 10: every digit equally likely
                pin += static_cast<char>('0' + byte % 10);
            }
        }
    }
    Secret secret(pin);
    OPENSSL_cleanse(pin.data(), pin.size());
    return secret;
}

smartcard::KeyType key_type_of_certificate(const X509* certificate) {
    const EVP_PKEY* key = X509_get0_pubkey(certificate);
    if (key != nullptr && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        return smartcard::KeyType::rsa_3072;
    }
    if (key != nullptr && EVP_PKEY_get_bits(key) == 384) {
        return smartcard::KeyType::ec_p384;
    }
    return smartcard::KeyType::ec_p256;
}

std::string default_token_label(const std::string& order_number) {
    // Order numbers are ASCII: cutting bytes cannot split a letter.
    return ("SigCard " + order_number).substr(0, 32);
}

}  // namespace sigcard::authority
