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
