// Revocation (Sperrung), final, at any hour: by the holder online with the order number and the
// revocation password chosen with the order (limited tries; then only by phone), by an operator
// after checking the revocation password on the phone, and by chamber staff for certificates
// carrying their chamber's admission. The certificate is revoked in the store (OCSP answers
// "revoked" from the next request on), the card marked revoked, a fresh CRL published, the act
// audited, and the holder mailed (mail kind "revoked").
#pragma once

#include "authority/follow_up_production.hpp"
#include "common/secret.hpp"
#include "operators/operator_register.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace sigcard::authority {

namespace errors {
inline constexpr ErrorCode revocation_password_wrong{
    "revocation.password_wrong",
    "Auftragsnummer oder Sperrkennwort stimmen nicht. Es wurde nichts gesperrt.",
    "The order number or the revocation password is not right. Nothing was revoked."};
inline constexpr ErrorCode revocation_locked{
    "revocation.locked",
    "Das Sperrkennwort wurde zu oft falsch eingegeben. Bitte rufen Sie unsere Sperrhotline an; "
    "dort wird Ihr Zertifikat nach Prüfung gesperrt.",
    "The revocation password was entered wrongly too often. Please call our revocation line; the "
    "certificate is revoked there after a check."};
inline constexpr ErrorCode revocation_nothing{
    "revocation.no_certificate",
    "Zu diesem Auftrag gibt es kein Zertifikat, das gesperrt werden kann.",
    "This order has no certificate that can be revoked."};
inline constexpr ErrorCode revocation_other_chamber{
    "revocation.other_chamber",
    "Dieses Zertifikat trägt keine Zulassung Ihrer Kammer. Sie können es nicht sperren.",
    "This certificate carries no admission of your chamber. You cannot revoke it."};
inline constexpr ErrorCode revocation_signature_invalid{
    "revocation.signature_invalid",
    "Die Sperrerklärung ist nicht gültig mit dieser Karte signiert. Es wurde nichts gesperrt.",
    "The revocation statement is not validly signed with this card. Nothing was revoked."};
inline constexpr ErrorCode revocation_statement_expired{
    "revocation.statement_expired",
    "Die Sperrerklärung ist abgelaufen. Bitte lesen Sie die Karte erneut aus. Es wurde nichts "
    "gesperrt.",
    "The revocation statement has expired. Please read the card again. Nothing was revoked."};
}  // namespace errors

struct Revoked {
    std::string order_number;
    std::string certificate_serial;
};

// How long a revocation statement may be signed.
inline constexpr std::int64_t revocation_statement_lifetime = 15 * 60;

// The holder online with the card itself: a statement naming this certificate, signed by its
// own key — possession of the card and its PIN instead of the password.
struct RevocationStatement {
    std::string text;                // exactly the bytes the card signs
    std::string certificate_serial;
    std::string certificate_sha256;  // hex of the certificate (DER)
    std::string holder_name;
    std::int64_t issued_at = 0;
};

// For the certificate the agent read from the card. Throws revocation.no_certificate (not a
// holder certificate of this trust center, byte for byte as stored) or pki.already_revoked.
RevocationStatement revocation_statement(TrustCenterOrders& desk,
                                         std::span<const std::uint8_t> certificate_der,
                                         std::int64_t now);

// Checks the CAdES signature over the statement issued at `issued_at` (within its lifetime),
// signed by exactly this certificate, then revokes it as the other ways do. Throws the
// revocation.* errors above and changes nothing then.
Revoked revoke_with_card(TrustCenterOrders& desk, std::span<const std::uint8_t> certificate_der,
                         std::int64_t issued_at, std::span<const std::uint8_t> cms,
                         std::int64_t now);

// How often the revocation password may be mistyped online before only the phone is left.
inline constexpr int revocation_max_tries = 5;

// The holder online. Throws order.unknown, revocation.no_certificate, revocation.password_wrong,
// revocation.locked; nothing is revoked then (a wrong password is counted).
Revoked revoke_by_holder(TrustCenterOrders& desk, const std::string& order_number,
                         const Secret& password, std::int64_t now);

// An operator (registration officer or approver) after checking the password on the phone.
// The same checks, without the online lock; operator.role_required.
Revoked revoke_by_operator(TrustCenterOrders& desk, const std::string& order_number,
                           const Secret& password, const operators::Operator& who,
                           std::int64_t now);

// Chamber staff: only a certificate whose admission names their chamber, reason
// privilegeWithdrawn. Throws operator.role_required, revocation.other_chamber,
// revocation.no_certificate.
Revoked revoke_by_chamber(TrustCenterOrders& desk, const std::string& certificate_serial,
                          const operators::Operator& who, std::int64_t now);

}  // namespace sigcard::authority
