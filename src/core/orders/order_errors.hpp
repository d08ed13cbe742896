// What a holder can get wrong in an order, and what the order process itself refuses.
#pragma once

#include "common/error.hpp"

namespace sigcard::orders::errors {

inline constexpr ErrorCode invalid_input{
    "order.invalid_input",
    "Einige Angaben sind unvollständig oder ungültig. Bitte prüfen Sie die markierten Felder.",
    "Some entries are incomplete or invalid. Please check the marked fields."};
inline constexpr ErrorCode field_required{"field.required", "Bitte füllen Sie dieses Feld aus.",
                                          "Please fill in this field."};
inline constexpr ErrorCode field_too_long{"field.too_long", "Diese Angabe ist zu lang.",
                                          "This entry is too long."};
inline constexpr ErrorCode field_invalid_characters{
    "field.invalid_characters", "Diese Angabe enthält unzulässige Zeichen.",
    "This entry contains characters that are not allowed."};
inline constexpr ErrorCode email_invalid{
    "field.email_invalid",
    "Bitte geben Sie eine gültige E-Mail-Adresse an (z. B. name@beispiel.de).",
    "Please enter a valid email address (e.g. name@example.com)."};
inline constexpr ErrorCode phone_invalid{
    "field.phone_invalid",
    "Bitte geben Sie eine gültige Telefonnummer an, z. B. 030 1234567 oder +49 30 1234567.",
    "Please enter a valid phone number, e.g. +49 30 1234567."};
inline constexpr ErrorCode postal_code_invalid{"field.postal_code_invalid",
                                               "Diese Postleitzahl passt nicht zum gewählten Land.",
                                               "This postcode does not fit the selected country."};
inline constexpr ErrorCode country_unsupported{"field.country_unsupported",
                                               "In dieses Land können wir leider nicht liefern.",
                                               "We cannot deliver to this country."};
inline constexpr ErrorCode vat_id_invalid{
    "field.vat_id_invalid", "Die USt-IdNr. hat nicht das richtige Format (z. B. DE123456789).",
    "The VAT ID does not have the right format (e.g. DE123456789)."};
inline constexpr ErrorCode declaration_missing{
    "order.declaration_missing",
    "Bitte bestätigen Sie, dass sich Ihr Name und die Angaben in Ihrem Zertifikat nicht geändert "
    "haben.",
    "Please confirm that your name and the information in your certificate have not changed."};
inline constexpr ErrorCode terms_not_accepted{
    "order.terms_not_accepted", "Bitte stimmen Sie den Allgemeinen Geschäftsbedingungen zu.",
    "Please accept the general terms and conditions."};
inline constexpr ErrorCode terms_outdated{
    "order.terms_outdated",
    "Die Allgemeinen Geschäftsbedingungen haben sich inzwischen geändert. Bitte lesen Sie die neue "
    "Fassung und prüfen Sie Ihren Auftrag erneut.",
    "The general terms and conditions have changed in the meantime. Please read the new version "
    "and review your order again."};
inline constexpr ErrorCode terms_unknown{
    "order.terms_unknown", "Es sind keine gültigen Geschäftsbedingungen veröffentlicht.",
    "No valid terms and conditions are published."};
inline constexpr ErrorCode terms_version_exists{"terms.version_exists",
                                                "Diese AGB-Version ist bereits veröffentlicht.",
                                                "This terms version has already been published."};
inline constexpr ErrorCode too_many_drafts{
    "order.too_many_drafts",
    "Für diese Karte liegen schon viele unsignierte Auftragsdokumente vor. Bitte signieren Sie "
    "eines davon oder versuchen Sie es in einer halben Stunde erneut.",
    "There are already many unsigned order documents for this card. Please sign one of them or "
    "try again in half an hour."};
inline constexpr ErrorCode nonce_unknown{
    "order.nonce_unknown",
    "Dieser Auftrag ist uns nicht bekannt. Bitte beginnen Sie den Folgeauftrag erneut.",
    "We do not know this order. Please start the follow-up order again."};
inline constexpr ErrorCode nonce_expired{
    "order.nonce_expired",
    "Die Zeit für die Signatur ist abgelaufen. Bitte prüfen Sie Ihren Auftrag erneut und signieren "
    "Sie ihn dann.",
    "The time for signing has run out. Please review your order again and then sign it."};
inline constexpr ErrorCode nonce_replayed{
    "order.nonce_replayed", "Dieser Auftrag wurde bereits mit einer anderen Signatur eingereicht.",
    "This order has already been submitted with a different signature."};
inline constexpr ErrorCode document_mismatch{
    "order.document_mismatch",
    "Das signierte Dokument stimmt nicht mit dem überein, das wir Ihnen angezeigt haben.",
    "The signed document does not match the one we showed you."};
inline constexpr ErrorCode signer_mismatch{
    "order.signer_mismatch",
    "Der Auftrag wurde nicht mit der Karte signiert, die zu Beginn geprüft wurde. Bitte signieren "
    "Sie mit derselben Signaturkarte.",
    "The order was not signed with the card that was checked at the start. Please sign with the "
    "same signature card."};
// For operators, who look an order up by its number alone.
inline constexpr ErrorCode unknown{"order.unknown",
                                   "Es gibt keinen Auftrag mit dieser Auftragsnummer.",
                                   "There is no order with this order number."};
inline constexpr ErrorCode not_found{
    "order.not_found", "Zu dieser Auftragsnummer und E-Mail-Adresse gibt es keinen Auftrag.",
    "There is no order with this order number and email address."};
inline constexpr ErrorCode invalid_transition{
    "order.invalid_transition", "Dieser Schritt ist im aktuellen Auftragsstatus nicht möglich.",
    "This step is not possible in the order's current state."};
inline constexpr ErrorCode malformed_request{"request.malformed",
                                             "Die Anfrage konnte nicht gelesen werden.",
                                             "The request could not be read."};

}  // namespace sigcard::orders::errors
