#include "authority/revocations.hpp"

#include "audit/audit_log.hpp"
#include "cards/card_register.hpp"
#include "common/clock.hpp"
#include "orders/order_errors.hpp"
#include "orders/revocation_password.hpp"
#include "pki/revocation.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_document.hpp"
#include "pki/pki_errors.hpp"
#include "pki/qualified_profile.hpp"
#include "signature/cades.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <spdlog/spdlog.h>

namespace sigcard::authority {

namespace {

struct Target {
    long long order_id = 0;
    std::string order_number;
    long long card_id = 0;
    std::string certificate_serial;
    std::string password_hash;
    int failed_tries = 0;
};

// The card an order produced, with the revocation password chosen for it (kept with the
// follow-up order's draft, or with the new order's application).
Target target_of(storage::Database& db, const std::string& order_number) {
    return db.with_session([&](soci::session& s) {
        Target t;
        t.order_number = order_number;
        soci::indicator card = soci::i_null;
        soci::indicator serial = soci::i_null;
        std::string hash;
        soci::indicator hash_known = soci::i_null;
        s << "SELECT o.id, o.new_card_id, k.certificate_serial, COALESCE(d.revocation_password_hash, "
             "a.revocation_password_hash) FROM orders o LEFT JOIN cards k ON k.id = o.new_card_id "
             "LEFT JOIN order_drafts d ON d.nonce = o.nonce LEFT JOIN new_order_applications a ON "
             "a.order_id = o.id WHERE o.order_number = :n",
            soci::use(order_number), soci::into(t.order_id), soci::into(t.card_id, card),
            soci::into(t.certificate_serial, serial), soci::into(hash, hash_known);
        if (!s.got_data()) {
            throw Error(orders::errors::unknown, order_number);
        }
        if (card == soci::i_null || serial == soci::i_null) {
            throw Error(errors::revocation_nothing, order_number);
        }
        t.password_hash = hash_known == soci::i_null ? std::string() : hash;
        int tries = 0;
        s << "SELECT failed_tries FROM revocation_attempts WHERE order_id = :id",
            soci::use(t.order_id), soci::into(tries);
        t.failed_tries = s.got_data() ? tries : 0;
        return t;
    });
}

void count_wrong(storage::Database& db, const Target& t, const std::string& actor,
                 std::int64_t now) {
    db.in_transaction([&](soci::session& s) {
        const long long at = now;
        s << "INSERT INTO revocation_attempts (order_id, failed_tries, last_at) VALUES (:id, 1, "
             ":at) ON CONFLICT (order_id) DO UPDATE SET failed_tries = "
             "revocation_attempts.failed_tries + 1, last_at = :at2",
            soci::use(t.order_id), soci::use(at), soci::use(at);
        audit::append(s, db.dialect(), actor, "revocation.password_wrong", t.order_number,
                      nlohmann::json{{"failed_tries", t.failed_tries + 1}}.dump());
    });
}

bool password_matches(const Target& t, const Secret& password) {
    return !t.password_hash.empty() && orders::revocation_password_matches(t.password_hash, password);
}

// Final: the store first (OCSP answers from it), then the card, the audit record and the CRL.
void revoke_certificate(TrustCenter& tc, std::optional<long long> card_id, const std::string& serial,
                        pki::RevocationReason reason, const std::string& actor,
                        const std::string& way, const std::string& subject, std::int64_t now) {
    pki::revoke(tc.certificates(), serial, reason, pki::Seconds(std::chrono::seconds(now)));
    auto& db = tc.database();
    db.in_transaction([&](soci::session& s) {
        if (card_id) {
            cards::CardRegister::set_state(s, *card_id, cards::CardState::revoked);
        }
        audit::append(s, db.dialect(), actor, "certificate.revoked", subject,
                      nlohmann::json{{"certificate_serial", serial},
                                     {"reason", std::string(pki::to_string(reason))},
                                     {"way", way}}
                          .dump());
    });
    const auto t = sigcard::now();
    pki::publish_crl(tc.certificates(), tc.issuing_ca(), t, t + std::chrono::hours(24));
    spdlog::info("certificate {} revoked ({}) by {}", serial, way, actor);
}

struct CardCertificate {
    pki::CertificateRecord record;
    std::optional<long long> card_id;
    std::string order_number;
};

CardCertificate card_certificate(TrustCenter& tc, std::span<const std::uint8_t> der) {
    const auto x509 = ossl::x509_from_der(ossl::Bytes(der.begin(), der.end()));
    const auto stored = x509 ? tc.certificates().find(ossl::serial_hex(x509.get())) : std::nullopt;
    if (!stored || stored->role != pki::CertificateRole::holder ||
        !std::equal(stored->der.begin(), stored->der.end(), der.begin(), der.end())) {
        throw Error(errors::revocation_nothing, "not a holder certificate of this trust center");
    }
    if (stored->status == pki::CertificateStatus::revoked) {
        throw Error(pki::errors::already_revoked, stored->serial);
    }
    CardCertificate c{*stored, std::nullopt, {}};
    const auto card = cards::CardRegister(tc.database()).find_by_certificate(stored->serial);
    if (card) {
        c.card_id = card->id;
        if (card->order_id) {
            tc.database().with_session([&](soci::session& s) {
                const long long id = *card->order_id;
                s << "SELECT order_number FROM orders WHERE id = :id", soci::use(id),
                    soci::into(c.order_number);
            });
        }
    }
    return c;
}

std::string statement_text(const std::string& trust_center, const CardCertificate& c,
                           std::int64_t issued_at) {
    return fmt::format(
        "Sperrerklärung / Revocation statement\n\n"
        "Vertrauensdiensteanbieter / Trust service provider: {}\n"
        "Zertifikat / Certificate: {}\n"
        "Inhaber / Holder: {}\n\n"
        "Ich beantrage, das Zertifikat dieser Signaturkarte sofort und endgültig zu sperren. Mir "
        "ist bekannt, dass die Sperrung nicht rückgängig gemacht werden kann.\n"
        "I ask for the certificate of this signature card to be revoked at once and for good. I "
        "know that the revocation cannot be undone.\n\n"
        "Zeit / Time: {}\n",
        trust_center, c.record.serial, c.record.subject, orders::format_utc(issued_at));
}

}  // namespace

RevocationStatement revocation_statement(TrustCenterOrders& desk,
                                         std::span<const std::uint8_t> certificate_der,
                                         std::int64_t now) {
    auto& tc = desk.trust_center();
    const auto c = card_certificate(tc, certificate_der);
    const auto x509 = ossl::x509_from_der(c.record.der);
    return {statement_text(tc.config().name, c, now), c.record.serial,
            encoding::hex(ossl::sha256(c.record.der)),
            pki::read_holder_profile(x509.get()).common_name(), now};
}

Revoked revoke_with_card(TrustCenterOrders& desk, std::span<const std::uint8_t> certificate_der,
                         std::int64_t issued_at, std::span<const std::uint8_t> cms,
                         std::int64_t now) {
    auto& tc = desk.trust_center();
    const auto c = card_certificate(tc, certificate_der);
    if (now - issued_at > revocation_statement_lifetime || issued_at > now + 60) {
        throw Error(errors::revocation_statement_expired, c.record.serial);
    }
    const auto text = statement_text(tc.config().name, c, issued_at);
    signature::VerifiedSignature verified;
    try {
        verified = signature::verify_cades(ossl::as_bytes(text), cms);
    } catch (const Error& e) {
        throw Error(errors::revocation_signature_invalid, std::string(e.id()));
    }
    // Signed by exactly this certificate's key: the card itself.
    if (ossl::to_der(verified.signer_certificate.get()) != c.record.der) {
        throw Error(errors::revocation_signature_invalid, "signed by another certificate");
    }
    revoke_certificate(tc, c.card_id, c.record.serial, pki::RevocationReason::unspecified,
                       "holder", "online, signed with the card",
                       c.order_number.empty() ? c.record.serial : c.order_number, now);
    return {c.order_number, c.record.serial};
}

Revoked revoke_by_holder(TrustCenterOrders& desk, const std::string& order_number,
                         const Secret& password, std::int64_t now) {
    auto& tc = desk.trust_center();
    const auto target = target_of(tc.database(), order_number);
    if (target.failed_tries >= revocation_max_tries) {
        throw Error(errors::revocation_locked, order_number);
    }
    if (!password_matches(target, password)) {
        count_wrong(tc.database(), target, "holder", now);
        throw Error(target.failed_tries + 1 >= revocation_max_tries ? errors::revocation_locked
                                                                    : errors::revocation_password_wrong,
                    order_number);
    }
    revoke_certificate(tc, target.card_id, target.certificate_serial,
                       pki::RevocationReason::unspecified, "holder", "online with the revocation password",
                       order_number, now);
    return {order_number, target.certificate_serial};
}

Revoked revoke_by_operator(TrustCenterOrders& desk, const std::string& order_number,
                           const Secret& password, const operators::Operator& who,
                           std::int64_t now) {
    if (!who.has(operators::Role::registration_officer) && !who.has(operators::Role::approver)) {
        throw Error(operators::errors::role_required, who.name + " may not revoke");
    }
    auto& tc = desk.trust_center();
    const auto target = target_of(tc.database(), order_number);
    if (!password_matches(target, password)) {
        count_wrong(tc.database(), target, who.actor(), now);
        throw Error(errors::revocation_password_wrong, order_number);
    }
    revoke_certificate(tc, target.card_id, target.certificate_serial,
                       pki::RevocationReason::unspecified, who.actor(),
                       "by phone, revocation password checked", order_number, now);
    return {order_number, target.certificate_serial};
}

Revoked revoke_by_chamber(TrustCenterOrders& desk, const std::string& certificate_serial,
                          const operators::Operator& who, std::int64_t now) {
    operators::require_role(who, operators::Role::chamber_staff);
    auto& tc = desk.trust_center();
    const auto stored = tc.certificates().find(certificate_serial);
    const auto x509 = stored ? ossl::x509_from_der(stored->der) : nullptr;
    if (!x509) {
        throw Error(errors::revocation_nothing, certificate_serial);
    }
    const auto profile = pki::read_holder_profile(x509.get());
    if (who.chamber.empty() || !profile.admission || profile.admission->authority != who.chamber) {
        throw Error(errors::revocation_other_chamber, certificate_serial);
    }
    const auto card = cards::CardRegister(tc.database()).find_by_certificate(certificate_serial);
    std::string order_number;
    if (card && card->order_id) {
        tc.database().with_session([&](soci::session& s) {
            const long long id = *card->order_id;
            s << "SELECT order_number FROM orders WHERE id = :id", soci::use(id),
                soci::into(order_number);
        });
    }
    revoke_certificate(tc, card ? std::optional<long long>(card->id) : std::nullopt,
                       certificate_serial, pki::RevocationReason::privilege_withdrawn, who.actor(),
                       "chamber " + who.chamber + ": admission withdrawn", certificate_serial, now);
    return {order_number, certificate_serial};
}

}  // namespace sigcard::authority
