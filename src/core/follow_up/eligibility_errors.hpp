// Why a card may not place a follow-up order, in words a holder understands.
#pragma once

#include "common/error.hpp"

namespace sigcard::orders::errors {

inline constexpr ErrorCode foreign_certificate{
    "eligibility.foreign_certificate",
    "Dieses Zertifikat wurde nicht von unserem Trust Center ausgestellt. Ein Folgeauftrag ist nur "
    "mit einer Signaturkarte unseres Trust Centers möglich; bitte stellen Sie einen Neuauftrag.",
    "This certificate was not issued by our trust center. A follow-up order needs a signature card "
    "of our trust center; please place a new order."};
inline constexpr ErrorCode certificate_invalid{
    "eligibility.certificate_invalid",
    "Das Zertifikat Ihrer Karte ist beschädigt oder kein qualifiziertes Signaturzertifikat.",
    "Your card's certificate is damaged or not a qualified signature certificate."};
inline constexpr ErrorCode certificate_expired{
    "eligibility.certificate_expired",
    "Das Zertifikat Ihrer Signaturkarte ist abgelaufen. Ein Folgeauftrag muss mit einem gültigen "
    "Zertifikat signiert werden; bitte stellen Sie einen Neuauftrag mit Identifizierung.",
    "Your signature card's certificate has expired. A follow-up order must be signed with a valid "
    "certificate; please place a new order with identification."};
inline constexpr ErrorCode certificate_not_yet_valid{
    "eligibility.certificate_not_yet_valid",
    "Das Zertifikat Ihrer Signaturkarte ist noch nicht gültig.",
    "Your signature card's certificate is not valid yet."};
inline constexpr ErrorCode certificate_revoked{
    "eligibility.certificate_revoked",
    "Das Zertifikat Ihrer Signaturkarte wurde gesperrt. Mit einer gesperrten Karte ist kein "
    "Folgeauftrag möglich; bitte stellen Sie einen Neuauftrag mit Identifizierung.",
    "Your signature card's certificate has been revoked. A revoked card cannot place a follow-up "
    "order; please place a new order with identification."};
inline constexpr ErrorCode certificate_on_hold{
    "eligibility.certificate_on_hold",
    "Das Zertifikat Ihrer Signaturkarte ist vorübergehend gesperrt (zum Beispiel weil der Empfang "
    "der Karte noch nicht bestätigt wurde). Bitte wenden Sie sich an unseren Kundenservice.",
    "Your signature card's certificate is suspended (for example because receipt of the card has "
    "not been confirmed yet). Please contact our customer service."};
inline constexpr ErrorCode revocation_status_unavailable{
    "eligibility.revocation_status_unavailable",
    "Der Sperrstatus Ihres Zertifikats kann gerade nicht geprüft werden. Bitte versuchen Sie es "
    "in einigen Minuten erneut.",
    "The revocation status of your certificate cannot be checked right now. Please try again in a "
    "few minutes."};
inline constexpr ErrorCode card_unknown{
    "eligibility.card_unknown",
    "Zu diesem Zertifikat ist bei uns keine Signaturkarte verzeichnet. Bitte wenden Sie sich an "
    "unseren Kundenservice.",
    "We have no signature card on record for this certificate. Please contact our customer "
    "service."};
inline constexpr ErrorCode outside_renewal_window{
    "eligibility.outside_renewal_window",
    "Ein Folgeauftrag ist erst kurz vor Ablauf Ihres Zertifikats möglich. Das Zeitfenster öffnet "
    "sich an dem angezeigten Datum.",
    "A follow-up order is possible only shortly before your certificate expires. The window opens "
    "on the date shown."};
inline constexpr ErrorCode partner_card{
    "eligibility.partner_card",
    "Sie haben Ihre Signaturkarte über einen Kooperationspartner erworben. Bitte wenden Sie sich "
    "für eine Folgekarte an diesen Partner; seine zusätzlichen Leistungen können wir nicht "
    "erbringen.",
    "You bought your signature card through a cooperation partner. Please ask that partner for a "
    "follow-up card; we cannot provide the partner's additional services."};
inline constexpr ErrorCode identification_too_old{
    "eligibility.identification_too_old",
    "Ihre letzte Identifizierung liegt zu lange zurück. Für eine neue Karte ist ein Neuauftrag mit "
    "Identifizierung (PostIdent oder Registrierungsstelle) nötig.",
    "Your last identification is too long ago. A new card needs a new order with identification "
    "(PostIdent or a registration office)."};
inline constexpr ErrorCode too_many_remote_renewals{
    "eligibility.too_many_remote_renewals",
    "Ihre Karte wurde bereits mehrmals ohne erneute Identifizierung verlängert. Für die nächste "
    "Karte ist ein Neuauftrag mit Identifizierung nötig.",
    "Your card has already been renewed several times without a new identification. The next card "
    "needs a new order with identification."};
inline constexpr ErrorCode open_order_exists{
    "eligibility.open_order_exists",
    "Für diese Karte gibt es bereits einen offenen Folgeauftrag. Den Stand sehen Sie unter der "
    "angezeigten Auftragsnummer.",
    "There is already an open follow-up order for this card. You can see its status under the "
    "order number shown."};

}  // namespace sigcard::orders::errors
