// What the card agent refuses, each with a stable code and German and English text. The portal
// page receives these codes (and the card's own codes from card_errors.hpp) and shows the text.
#pragma once

#include "common/error.hpp"

namespace sigcard::agent::errors {

inline constexpr ErrorCode host_refused{
    "agent.host_refused",
    "Die Anfrage an den Kartenagenten kam nicht über eine lokale Adresse und wurde abgewiesen.",
    "The request to the card agent did not use a local address and was refused."};

inline constexpr ErrorCode origin_refused{
    "agent.origin_refused",
    "Diese Webseite darf den Kartenagenten nicht benutzen. Nur die Seiten des Trust Centers "
    "dürfen Ihre Signaturkarte ansprechen.",
    "This web page may not use the card agent. Only the trust center's pages may use your "
    "signature card."};

inline constexpr ErrorCode origin_mismatch{
    "agent.origin_mismatch",
    "Die Signaturanfrage wurde für eine andere Webseite ausgestellt und wurde abgewiesen.",
    "The signature request was issued for another web page and was refused."};

inline constexpr ErrorCode request_malformed{
    "agent.request_malformed",
    "Die Anfrage an den Kartenagenten ist unvollständig oder fehlerhaft.",
    "The request to the card agent is incomplete or malformed."};

inline constexpr ErrorCode request_signature_invalid{
    "agent.request_signature_invalid",
    "Die Signaturanfrage ist nicht vom Trust Center unterschrieben. Aus Sicherheitsgründen wird "
    "nichts signiert.",
    "The signature request is not signed by the trust center. For your safety nothing is "
    "signed."};

inline constexpr ErrorCode document_mismatch{
    "agent.document_mismatch",
    "Das zu signierende Dokument stimmt nicht mit dem vom Trust Center freigegebenen überein. "
    "Aus Sicherheitsgründen wird nichts signiert.",
    "The document to be signed does not match the one the trust center approved. For your "
    "safety nothing is signed."};

inline constexpr ErrorCode document_not_text{
    "agent.document_not_text",
    "Das Dokument ist kein lesbarer Text und kann Ihnen daher nicht angezeigt werden. Es wird "
    "nicht signiert.",
    "The document is not readable text, so it cannot be shown to you. It is not signed."};

inline constexpr ErrorCode request_expired{
    "agent.request_expired",
    "Die Signaturanfrage ist abgelaufen. Bitte starten Sie die Signatur im Portal erneut.",
    "The signature request has expired. Please start the signature again in the portal."};

inline constexpr ErrorCode request_time_invalid{
    "agent.request_time_invalid",
    "Die Zeitangaben der Signaturanfrage sind ungültig. Bitte prüfen Sie die Uhrzeit Ihres "
    "Computers und starten Sie die Signatur erneut.",
    "The times in the signature request are invalid. Please check your computer's clock and "
    "start the signature again."};

inline constexpr ErrorCode request_replayed{
    "agent.request_replayed",
    "Diese Signaturanfrage wurde bereits verwendet. Bitte starten Sie die Signatur im Portal "
    "erneut.",
    "This signature request has already been used. Please start the signature again in the "
    "portal."};

inline constexpr ErrorCode busy{
    "agent.busy",
    "Es läuft bereits eine Signatur. Bitte schließen Sie diese ab oder brechen Sie sie ab.",
    "A signature is already in progress. Please complete or cancel it first."};

inline constexpr ErrorCode request_replaced{
    "agent.request_replaced",
    "Diese Signaturanfrage wurde durch eine neuere ersetzt. Es wurde nichts signiert. Bitte "
    "bestätigen Sie im neuesten Fenster des Kartenagenten.",
    "This signature request was replaced by a newer one. Nothing was signed. Please confirm in "
    "the card agent's newest window."};

inline constexpr ErrorCode request_not_found{
    "agent.request_not_found", "Diese Signaturanfrage ist dem Kartenagenten nicht (mehr) bekannt.",
    "The card agent does not know this signature request (any more)."};

inline constexpr ErrorCode request_finished{"agent.request_finished",
                                            "Diese Signaturanfrage ist bereits abgeschlossen.",
                                            "This signature request is already finished."};

inline constexpr ErrorCode confirmation_refused{
    "agent.confirmation_refused",
    "Die Bestätigung kam nicht von der Bestätigungsseite des Kartenagenten und wurde "
    "abgewiesen.",
    "The confirmation did not come from the card agent's confirmation page and was refused."};

inline constexpr ErrorCode cancelled_by_holder{
    "agent.cancelled_by_holder", "Sie haben die Signatur abgebrochen. Es wurde nichts signiert.",
    "You cancelled the signature. Nothing was signed."};

inline constexpr ErrorCode cancelled_by_portal{
    "agent.cancelled_by_portal",
    "Das Portal hat die Signaturanfrage zurückgezogen. Es wurde nichts signiert.",
    "The portal withdrew the signature request. Nothing was signed."};

inline constexpr ErrorCode port_in_use{
    "agent.port_in_use",
    "Der Kartenagent kann nicht starten: Ein anderes Programm belegt seinen Port auf diesem "
    "Rechner (vielleicht ein zweiter Kartenagent). Beenden Sie das andere Programm, oder tragen "
    "Sie in der Konfiguration des Agenten einen anderen Port ein und nennen Sie ihn Ihrem Trust "
    "Center.",
    "The card agent cannot start: another program holds its port on this computer (perhaps a "
    "second card agent). Close the other program, or set another port in the agent's "
    "configuration and tell your trust center."};

inline constexpr ErrorCode config_invalid{
    "agent.config_invalid",
    "Die Konfiguration des Kartenagenten ist fehlerhaft. Bitte prüfen Sie die "
    "Konfigurationsdatei.",
    "The card agent's configuration is invalid. Please check the configuration file."};

}  // namespace sigcard::agent::errors
