#include "operators/operator_login.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "signature/cades.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

namespace sigcard::operators {

namespace {

struct CardCertificate {
    std::string der_base64;
    std::string status;
    long long not_before = 0;
    long long not_after = 0;
};

std::optional<CardCertificate> stored_certificate(soci::session& s, const std::string& serial) {
    CardCertificate c;
    s << "SELECT der, status, not_before, not_after FROM certificates WHERE serial = :serial AND "
         "role = 'holder'",
        soci::use(serial), soci::into(c.der_base64), soci::into(c.status),
        soci::into(c.not_before), soci::into(c.not_after);
    return s.got_data() ? std::optional(c) : std::nullopt;
}

bool usable(const CardCertificate& c, std::int64_t now) {
    return c.status == "good" && now >= c.not_before && now <= c.not_after;
}


}  // namespace

std::string OperatorLogin::statement(const Operator& who, const std::string& origin,
                                     const std::string& nonce, std::int64_t issued_at) const {
    return fmt::format(
        "Anmeldung im Backoffice / Back-office sign-in\n"
        "Trust Center: {}\n"
        "Mitarbeiter / Operator: {} ({})\n"
        "Zertifikat / Certificate: {}\n"
        "Adresse / Address: {}\n"
        "Zeitpunkt / Time: {}\n"
        "Challenge: {}\n",
        trust_center_, who.display_name, who.name, who.certificate_serial, origin,
        utc_time_text(issued_at), nonce);
}

LoginChallenge OperatorLogin::challenge(std::span<const std::uint8_t> certificate_der,
                                        const std::string& origin, std::int64_t now) {
    const auto certificate = ossl::x509_from_der(certificate_der);
    if (!certificate) {
        throw Error(errors::not_operator, "not a certificate");
    }
    const auto serial = ossl::serial_hex(certificate.get());
    const auto stored =
        db_.with_session([&](soci::session& s) { return stored_certificate(s, serial); });
    // Exactly the certificate this trust center issued with that serial, not another CA's.
    if (!stored || encoding::from_base64(stored->der_base64) !=
                       std::string(certificate_der.begin(), certificate_der.end())) {
        throw Error(errors::not_operator, "not issued here: " + serial);
    }
    const auto who = register_.by_certificate(serial);
    if (!who) {
        throw Error(errors::not_operator, serial);
    }
    if (!usable(*stored, now)) {
        throw Error(errors::card_not_valid, serial);
    }
    LoginChallenge c;
    c.nonce = encoding::hex(ossl::random_bytes(16));
    c.issued_at = now;
    c.text = statement(*who, origin, c.nonce, now);
    c.certificate_sha256 = encoding::hex(ossl::sha256(certificate_der));
    const long long at = now;
    db_.with_session([&](soci::session& s) {
        // Old challenges go as new ones come: nothing here outlives a few minutes.
        const long long stale = now - 24 * 3600;
        s << "DELETE FROM operator_challenges WHERE issued_at < :stale", soci::use(stale);
        s << "INSERT INTO operator_challenges (nonce, certificate_serial, origin, statement, "
             "issued_at) VALUES (:nonce, :serial, :origin, :statement, :at)",
            soci::use(c.nonce), soci::use(serial), soci::use(origin), soci::use(c.text),
            soci::use(at);
    });
    return c;
}

Operator OperatorLogin::sign_in(const std::string& nonce, std::span<const std::uint8_t> cms,
                                std::int64_t now) {
    return db_.in_transaction([&](soci::session& s) {
        std::string serial;
        std::string origin;
        long long issued_at = 0;
        soci::indicator used = soci::i_null;
        long long used_at = 0;
        s << "SELECT certificate_serial, origin, issued_at, used_at FROM operator_challenges "
             "WHERE nonce = :nonce",
            soci::use(nonce), soci::into(serial), soci::into(origin), soci::into(issued_at),
            soci::into(used_at, used);
        if (!s.got_data()) {
            throw Error(errors::challenge_unknown);
        }
        if (used != soci::i_null) {
            throw Error(errors::challenge_used, nonce);
        }
        if (now - issued_at > challenge_lifetime || issued_at > now + 60) {
            throw Error(errors::challenge_expired, nonce);
        }
        const auto who = operator_by_certificate(s, serial);
        if (!who) {
            throw Error(errors::not_operator, serial);
        }
        const auto text = statement(*who, origin, nonce, issued_at);
        signature::VerifiedSignature verified;
        try {
            verified = signature::verify_cades(ossl::as_bytes(text), cms);
        } catch (const Error& e) {
            throw Error(errors::signature_invalid, std::string(e.id()));
        }
        const auto stored = stored_certificate(s, serial);
        const auto signer = ossl::to_der(verified.signer_certificate.get());
        if (!stored || encoding::from_base64(stored->der_base64) !=
                           std::string(signer.begin(), signer.end())) {
            throw Error(errors::wrong_card, serial);
        }
        if (!usable(*stored, now)) {
            throw Error(errors::card_not_valid, serial);
        }
        const long long at = now;
        soci::statement use_up =
            (s.prepare << "UPDATE operator_challenges SET used_at = :at WHERE nonce = :nonce AND "
                          "used_at IS NULL",
             soci::use(at), soci::use(nonce));
        use_up.execute(true);
        if (use_up.get_affected_rows() != 1) {
            throw Error(errors::challenge_used, nonce);
        }
        audit::append(s, db_.dialect(), who->actor(), "operator.signed_in", who->name,
                      nlohmann::json{{"certificate_serial", serial}, {"origin", origin}}.dump());
        return *who;
    });
}

std::optional<LoginChallenge> OperatorLogin::open_challenge(const std::string& nonce,
                                                           std::int64_t now) const {
    return db_.with_session([&](soci::session& s) -> std::optional<LoginChallenge> {
        LoginChallenge c;
        std::string serial;
        long long issued_at = 0;
        soci::indicator used = soci::i_null;
        long long used_at = 0;
        s << "SELECT certificate_serial, statement, issued_at, used_at FROM operator_challenges "
             "WHERE nonce = :nonce",
            soci::use(nonce), soci::into(serial), soci::into(c.text), soci::into(issued_at),
            soci::into(used_at, used);
        if (!s.got_data() || used != soci::i_null || now - issued_at > challenge_lifetime) {
            return std::nullopt;
        }
        const auto stored = stored_certificate(s, serial);
        if (!stored) {
            return std::nullopt;
        }
        c.nonce = nonce;
        c.issued_at = issued_at;
        c.certificate_sha256 = encoding::hex(
            ossl::sha256(ossl::as_bytes(encoding::from_base64(stored->der_base64))));
        return c;
    });
}

std::optional<Operator> OperatorLogin::current(const std::string& name, std::int64_t now) const {
    auto who = register_.find(name);
    if (!who) {
        return std::nullopt;
    }
    const auto stored = db_.with_session(
        [&](soci::session& s) { return stored_certificate(s, who->certificate_serial); });
    if (!stored || !usable(*stored, now)) {
        return std::nullopt;
    }
    return who;
}

}  // namespace sigcard::operators
