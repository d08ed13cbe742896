// The failures a holder or operator can meet with a card, reader or HSM token, each with a
// stable code and its texts, and the translation of PKCS#11 return values into them.
#pragma once

#include "common/error.hpp"

#include <p11-kit/pkcs11.h>

#include <string>

namespace sigcard::smartcard::errors {

inline constexpr ErrorCode module_missing{
    "card.module_missing",
    "Die Kartenleser-Software (PKCS#11-Modul) wurde nicht gefunden. Bitte installieren Sie die "
    "Treiber Ihres Kartenlesers bzw. Ihrer Signaturkarte.",
    "The card reader software (PKCS#11 module) was not found. Please install the drivers of your "
    "card reader or signature card."};

inline constexpr ErrorCode module_not_loadable{
    "card.module_not_loadable",
    "Die Kartenleser-Software (PKCS#11-Modul) konnte nicht geladen werden. Bitte installieren "
    "Sie die Treiber Ihres Kartenlesers neu.",
    "The card reader software (PKCS#11 module) could not be loaded. Please reinstall your card "
    "reader's drivers."};

inline constexpr ErrorCode no_reader{
    "card.no_reader",
    "Es wurde kein Kartenleser gefunden. Bitte schließen Sie Ihren Kartenleser an und versuchen "
    "Sie es erneut.",
    "No card reader was found. Please connect your card reader and try again."};

inline constexpr ErrorCode no_card{
    "card.no_card",
    "Im Kartenleser steckt keine Signaturkarte. Bitte stecken Sie Ihre Signaturkarte ein und "
    "versuchen Sie es erneut.",
    "There is no signature card in the reader. Please insert your signature card and try again."};

inline constexpr ErrorCode token_not_found{
    "card.token_not_found",
    "Die gesuchte Signaturkarte wurde in keinem Kartenleser gefunden. Bitte stecken Sie die "
    "richtige Karte ein.",
    "The requested signature card was not found in any reader. Please insert the right card."};

// The portal checked one certificate; the agent signs only with the card that holds it.
inline constexpr ErrorCode checked_card_missing{
    "card.checked_card_missing",
    "Die Karte, deren Zertifikat geprüft wurde, steckt in keinem Kartenleser. Bitte stecken Sie "
    "diese Karte ein oder beginnen Sie den Auftrag mit der anderen Karte neu. Es wurde nichts "
    "signiert und keine PIN abgefragt.",
    "The card whose certificate was checked is not in any reader. Please insert that card, or "
    "start the order again with the other card. Nothing was signed and no PIN was asked for."};

inline constexpr ErrorCode card_removed{
    "card.removed",
    "Die Signaturkarte wurde während des Vorgangs entfernt. Bitte stecken Sie die Karte wieder "
    "ein und lassen Sie sie bis zum Abschluss der Signatur im Leser.",
    "The signature card was removed during the operation. Please insert the card again and "
    "leave it in the reader until the signature is complete."};

inline constexpr ErrorCode in_use_by_other_program{
    "card.in_use_by_other_program",
    "Die Signaturkarte wird gerade von einem anderen Programm benutzt. Bitte schließen Sie "
    "andere Signatur-Software – auch Programme, die im Hintergrund laufen (z. B. im "
    "Infobereich der Taskleiste) – und versuchen Sie es erneut.",
    "The signature card is in use by another program. Please close other signature software – "
    "including programs running in the background (e.g. in the system tray) – and try again."};

inline constexpr ErrorCode pin_incorrect{
    "card.pin_incorrect",
    "Die PIN ist falsch. Bitte geben Sie die PIN Ihrer Signaturkarte erneut ein.",
    "The PIN is wrong. Please enter your signature card's PIN again."};

inline constexpr ErrorCode pin_incorrect_count_low{
    "card.pin_incorrect_count_low",
    "Die PIN ist falsch. Es sind nur noch wenige Versuche übrig, danach wird die PIN gesperrt. "
    "Bitte geben Sie die PIN sorgfältig ein.",
    "The PIN is wrong. Only a few tries are left before the PIN is locked. Please enter the PIN "
    "carefully."};

inline constexpr ErrorCode pin_incorrect_final_try{
    "card.pin_incorrect_final_try",
    "Die PIN ist falsch. Sie haben nur noch einen Versuch: Ist auch er falsch, wird die PIN "
    "gesperrt. Halten Sie gegebenenfalls Ihren PIN-Brief bereit.",
    "The PIN is wrong. You have one try left: if it is wrong too, the PIN is locked. Have your "
    "PIN letter at hand if needed."};

inline constexpr ErrorCode pin_locked{
    "card.pin_locked",
    "Die PIN Ihrer Signaturkarte ist gesperrt. Bitte entsperren Sie sie mit der PUK aus Ihrem "
    "PIN-Brief oder wenden Sie sich an das Trust Center.",
    "Your signature card's PIN is locked. Please unlock it with the PUK from your PIN letter or "
    "contact the trust center."};

inline constexpr ErrorCode pin_invalid{
    "card.pin_invalid",
    "Die PIN hat nicht das erlaubte Format (Länge oder Zeichen). Bitte wählen Sie eine andere "
    "PIN.",
    "The PIN does not have the allowed format (length or characters). Please choose another "
    "PIN."};

inline constexpr ErrorCode pin_pad_cancelled{
    "card.pin_pad_cancelled",
    "Die PIN-Eingabe am Kartenleser wurde abgebrochen oder hat zu lange gedauert. Bitte starten "
    "Sie die Signatur erneut und geben Sie die PIN am Kartenleser ein.",
    "PIN entry on the card reader was cancelled or timed out. Please start the signature again "
    "and enter the PIN on the card reader."};

inline constexpr ErrorCode pin_pad_required{
    "card.pin_pad_required",
    "Für qualifizierte Signaturen ist ein Kartenleser mit eigener Tastatur (Klasse 2) nötig. "
    "Bitte schließen Sie einen solchen Kartenleser an.",
    "Qualified signatures need a card reader with its own keypad (class 2). Please connect such "
    "a card reader."};

inline constexpr ErrorCode not_logged_in{
    "card.not_logged_in",
    "Die Signaturkarte ist nicht freigeschaltet. Bitte geben Sie Ihre PIN ein.",
    "The signature card is not unlocked. Please enter your PIN."};

inline constexpr ErrorCode mechanism_not_supported{
    "card.mechanism_not_supported",
    "Ihre Signaturkarte unterstützt das benötigte Signaturverfahren nicht. Bitte wenden Sie "
    "sich an das Trust Center.",
    "Your signature card does not support the required signature method. Please contact the "
    "trust center."};

inline constexpr ErrorCode no_qualified_certificate{
    "card.no_qualified_certificate",
    "Auf der Karte wurde kein qualifiziertes Signaturzertifikat gefunden. Bitte prüfen Sie, ob "
    "Sie die richtige Signaturkarte eingesteckt haben.",
    "No qualified signature certificate was found on the card. Please check that you inserted "
    "the right signature card."};

inline constexpr ErrorCode key_not_found{
    "card.key_not_found",
    "Zum Zertifikat auf der Karte wurde kein Signaturschlüssel gefunden. Die Karte ist "
    "möglicherweise beschädigt; bitte wenden Sie sich an das Trust Center.",
    "No signing key was found for the certificate on the card. The card may be damaged; please "
    "contact the trust center."};

inline constexpr ErrorCode no_free_slot{
    "card.no_free_slot",
    "Es gibt keinen freien Kartenplatz für eine neue Karte. Bitte legen Sie einen leeren "
    "Kartenrohling ein.",
    "There is no free slot for a new card. Please insert a blank card."};

inline constexpr ErrorCode device_error{
    "card.device_error",
    "Die Signaturkarte oder der Kartenleser hat einen Fehler gemeldet. Bitte stecken Sie die "
    "Karte neu ein und versuchen Sie es erneut.",
    "The signature card or the card reader reported an error. Please re-insert the card and try "
    "again."};

// What was going on when a PKCS#11 call failed: the same return value means different things
// at different steps (CKR_DEVICE_ERROR on opening a session is a card held by another program).
enum class Step { load, open_session, login, sign, other };

// The error for a failed PKCS#11 call. `flags` are the token's CKF_* flags read after the
// failure (for the PIN retry state); `detail` goes to the log.
Error to_error(CK_RV rv, Step step, CK_FLAGS token_flags, std::string detail);

// PKCS#11 return value name (CKR_PIN_INCORRECT …) for logs.
std::string rv_name(CK_RV rv);

}  // namespace sigcard::smartcard::errors
