#include "authority/card_production.hpp"
#include "common/clock.hpp"

#include "audit/audit_log.hpp"
#include "pki/revocation.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace sigcard::authority {

ProducedCard produce_card(TrustCenter& tc, const CardOrder& order) {
    auto& module = tc.hsm_module();
    const auto blank = module.free_slot();
    // The security officer PIN of a holder's card is never needed again: random and forgotten.
    const Secret so_pin(ossl::hex(ossl::random_bytes(16)));
    card::initialize_token(module, blank.slot, order.token_label, so_pin);
    const auto token = module.find_token(order.token_label);
    {
        card::CardSession so(module, token.slot, card::CardSession::Access::read_write);
        so.login_security_officer(so_pin);
        card::set_user_pin(so, order.transport_pin);
    }
    card::CardSession session(module, token.slot, card::CardSession::Access::read_write);
    session.login(order.transport_pin);
    const ossl::Bytes key_id = ossl::random_bytes(16);
    auto keys =
        card::generate_key_pair(session, {order.key_type, key_id, "Qualified signature key"});

    ProducedCard produced;
    produced.token_label = order.token_label;
    produced.card_serial = token.serial;
    produced.certificate = tc.ca().issue_qualified(tc.issuing_ca(), keys.public_key_value.get(),
                                                   order.holder, order.validity);
    produced.certificate_serial = pki::serial_hex(produced.certificate.get());
    if (order.hold_until_receipt) {
        // Held before it leaves the CA: a card lost in the post never signs anything valid.
        pki::place_on_hold(tc.certificates(), produced.certificate_serial,
                           pki::Seconds(std::chrono::seconds(unix_now())));
    }
    card::store_certificate(session, produced.certificate.get(), key_id,
                            "Qualified signature certificate");
    card::store_ca_certificate(session, tc.issuing_certificate(), ossl::Bytes{'c', 'a', '1'},
                               "Qualified CA");
    card::store_ca_certificate(session, tc.root_certificate(), ossl::Bytes{'c', 'a', '0'},
                               "Root CA");

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

}  // namespace sigcard::authority
