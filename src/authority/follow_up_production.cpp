#include "authority/follow_up_production.hpp"
#include "common/clock.hpp"

#include "audit/audit_log.hpp"
#include "cards/card_register.hpp"
#include "pki/qualified_profile.hpp"
#include "pki/revocation.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <chrono>

namespace sigcard::authority {

namespace {

std::int64_t now_seconds() {
    return now().time_since_epoch().count();
}

// PKCS#11 labels are 32 bytes; order numbers are ASCII, so cutting bytes cannot split a letter.
std::string default_token_label(const std::string& order_number) {
    return fmt::format("SigCard {}", order_number).substr(0, 32);
}

// The new key is of the same kind as the one it replaces (the card model the holder uses).
smartcard::KeyType key_type_of(const X509* cert) {
    const EVP_PKEY* key = X509_get0_pubkey(cert);
    if (key != nullptr && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        return smartcard::KeyType::rsa_3072;
    }
    if (key != nullptr && EVP_PKEY_get_bits(key) == 384) {
        return smartcard::KeyType::ec_p384;
    }
    return smartcard::KeyType::ec_p256;
}

orders::OrderRecord find_order(const orders::OrderBook& orders, const std::string& number) {
    auto record = orders.find(number);
    if (!record) {
        throw Error(errors::order_unknown, number);
    }
    return std::move(*record);
}

// Everyone fetching the CRL sees holds and releases at once, as with `sigcard cert hold`.
void publish_fresh_crl(TrustCenter& tc) {
    const auto t = now();
    pki::publish_crl(tc.certificates(), tc.issuing_ca(), t, t + std::chrono::hours(24));
}

pki::PathValidator::Options validator_options(const TrustCenter& tc) {
    pki::PathValidator::Options options;
    options.own_ocsp_url = tc.config().urls.ocsp;
    options.remembered_certificates =
        static_cast<std::size_t>(tc.config().portal.remembered_certificates);
    return options;
}

}  // namespace

TrustCenterOrders::TrustCenterOrders(TrustCenter& tc, pki::OcspTransport transport)
    : trust_center_(tc),
      validator_(tc.certificates(), tc.root_certificate(), tc.issuing_certificate(),
                 validator_options(tc), std::move(transport)),
      ocsp_(tc.certificates(), tc.issuing_certificate(), tc.ocsp_certificate(),
            tc.ocsp_signer().signer),
      store_(tc.database()),
      book_(store_),
      follow_up_(orders::FollowUpContext{tc.config(), tc.database(), validator_, ocsp_,
                                         tc.issuing_certificate()}) {}

ProducedCard produce_follow_up_card(TrustCenterOrders& desk, const FollowUpProduction& request) {
    auto& tc = desk.trust_center();
    auto& orders = desk.book();
    const auto record = find_order(orders, request.order_number);
    if (record.state != orders::OrderState::approved &&
        record.state != orders::OrderState::in_production) {
        throw Error(errors::order_not_approved,
                    fmt::format("{} is {}", record.order_number, orders::to_string(record.state)));
    }
    cards::CardRegister reg(tc.database());
    const auto old_card = reg.find(record.card_id);
    const auto old_certificate =
        old_card ? tc.certificates().find(old_card->certificate_serial) : std::nullopt;
    if (!old_certificate) {
        throw Error(errors::replaced_card_missing, fmt::format("card {}", record.card_id));
    }
    const auto old_x509 = ossl::x509_from_der(old_certificate->der);
    if (!old_x509) {
        throw Error(errors::replaced_card_missing, "stored certificate unreadable");
    }

    CardOrder order;
    // Carried over unchanged: the holder declared in the signed order that nothing changed.
    order.holder = pki::read_holder_profile(old_x509.get());
    order.token_label = request.token_label.value_or(default_token_label(record.order_number));
    order.key_type = key_type_of(old_x509.get());
    order.transport_pin = request.transport_pin;
    order.partner_id = old_card->partner_id;
    order.identification_method = old_card->identification_method;
    order.identified_at = old_card->identified_at;
    order.remote_renewals = old_card->remote_renewals + 1;
    order.replaces_card_id = old_card->id;
    order.order_id = record.id;
    order.hold_until_receipt = true;
    order.actor = request.actor;

    if (record.state == orders::OrderState::approved) {
        orders.start_production(record.order_number, request.actor, now_seconds());
    }
    auto produced = produce_card(tc, order);
    publish_fresh_crl(tc);
    orders.mark_shipped(record.order_number, produced.card_id, request.actor, now_seconds());
    return produced;
}

std::string confirm_receipt(TrustCenterOrders& desk, const std::string& order_number,
                            const std::string& actor) {
    auto& tc = desk.trust_center();
    auto& orders = desk.book();
    const auto record = find_order(orders, order_number);
    if (record.state != orders::OrderState::shipped || !record.new_card_id) {
        throw Error(errors::order_not_shipped,
                    fmt::format("{} is {}", order_number, orders::to_string(record.state)));
    }
    cards::CardRegister reg(tc.database());
    const auto card = reg.find(*record.new_card_id);
    if (!card) {
        throw Error(errors::replaced_card_missing, fmt::format("new card {}", *record.new_card_id));
    }
    // A release that went through before a failed run is not repeated.
    const auto certificate = tc.certificates().find(card->certificate_serial);
    if (certificate && certificate->status == pki::CertificateStatus::on_hold) {
        pki::release_hold(tc.certificates(), card->certificate_serial);
        publish_fresh_crl(tc);
    }
    orders.mark_active(order_number, actor, now_seconds());
    auto& db = tc.database();
    db.in_transaction([&](soci::session& s) {
        cards::CardRegister::set_state(s, card->id, cards::CardState::active);
        audit::append(s, db.dialect(), actor, "card.received", card->card_serial,
                      nlohmann::json{{"card_id", card->id},
                                     {"certificate_serial", card->certificate_serial},
                                     {"order_number", order_number},
                                     {"hold_released", true}}
                          .dump());
        return 0;
    });
    return card->certificate_serial;
}

}  // namespace sigcard::authority
