// What an applicant can get wrong in a new order, and what the new order itself refuses. Field
// errors shared with the follow-up order (required, too long, characters, email, phone, postcode)
// are in orders/order_errors.hpp.
#pragma once

#include "common/error.hpp"

namespace sigcard::new_order::errors {

inline constexpr ErrorCode date_invalid{
    "field.date_invalid", "Bitte geben Sie ein gültiges Datum an (z. B. 31.12.1980).",
    "Please enter a valid date (e.g. 1980-12-31)."};
inline constexpr ErrorCode choice_invalid{"field.choice_invalid",
                                          "Bitte wählen Sie einen der angebotenen Werte.",
                                          "Please choose one of the values offered."};
inline constexpr ErrorCode under_age{
    "new_order.under_age",
    "Eine qualifizierte Signaturkarte können wir erst ab dem vollendeten 18. Lebensjahr ausgeben.",
    "We can issue a qualified signature card only to applicants aged 18 or over."};
inline constexpr ErrorCode id_expired{
    "new_order.id_expired",
    "Dieses Ausweisdokument ist abgelaufen. Bitte geben Sie ein gültiges Dokument an.",
    "This ID document has expired. Please enter a valid document."};
inline constexpr ErrorCode id_expires_soon{
    "new_order.id_expires_soon",
    "Dieses Ausweisdokument läuft bald ab; für die Identifizierung muss es noch einige Wochen "
    "gültig sein. Bitte verwenden Sie ein anderes oder ein neues Dokument.",
    "This ID document expires soon; it must stay valid for some weeks for the identification. "
    "Please use another or a new document."};
inline constexpr ErrorCode id_issued_after_expiry{
    "new_order.id_dates_inconsistent",
    "Das Ausstellungsdatum muss vor dem Ablaufdatum und nicht in der Zukunft liegen.",
    "The date of issue must be before the date of expiry and not in the future."};
inline constexpr ErrorCode pseudonym_invalid{
    "new_order.pseudonym_invalid",
    "Ein Pseudonym darf Ihren Vor- oder Nachnamen nicht enthalten, nicht auf „:PN“ enden und "
    "höchstens 60 Zeichen lang sein.",
    "A pseudonym must not contain your given name or surname, must not end in \":PN\" and may "
    "be at most 60 characters long."};
inline constexpr ErrorCode limit_invalid{
    "new_order.limit_invalid",
    "Bitte geben Sie die Betragsgrenze als ganze Euro zwischen 1 und 1.000.000.000 an.",
    "Please enter the monetary limit in whole euros between 1 and 1,000,000,000."};
inline constexpr ErrorCode proof_missing{
    "new_order.proof_missing",
    "Bitte laden Sie einen Nachweis hoch oder geben Sie an, dass die Stelle ihn uns direkt "
    "bestätigt.",
    "Please upload a proof or state that the issuing body confirms it to us directly."};
inline constexpr ErrorCode proof_type{
    "new_order.proof_type",
    "Der Nachweis muss eine PDF-, JPEG- oder PNG-Datei sein.",
    "The proof must be a PDF, JPEG or PNG file."};
inline constexpr ErrorCode proof_too_large{
    "new_order.proof_too_large", "Der Nachweis ist zu groß (höchstens 5 MB).",
    "The proof is too large (at most 5 MB)."};
inline constexpr ErrorCode proof_active_content{
    "new_order.proof_active_content",
    "Diese PDF-Datei enthält Skripte, eingebettete Dateien oder ist beschädigt. Bitte drucken Sie "
    "sie als einfache PDF-Datei oder laden Sie einen Scan hoch.",
    "This PDF file contains scripts or embedded files, or is damaged. Please print it to a plain "
    "PDF file or upload a scan."};
inline constexpr ErrorCode office_unknown{
    "new_order.office_unknown", "Bitte wählen Sie eine der angegebenen Registrierungsstellen.",
    "Please choose one of the registration offices listed."};
inline constexpr ErrorCode withdrawal_not_acknowledged{
    "new_order.withdrawal_not_acknowledged",
    "Bitte bestätigen Sie, dass Sie die Widerrufsbelehrung gelesen haben.",
    "Please confirm that you have read the information on your right of withdrawal."};
inline constexpr ErrorCode application_too_large{
    "new_order.application_too_large",
    "Der Antrag ist mit seinen Nachweisen zu groß. Bitte laden Sie kleinere Dateien hoch.",
    "The application with its proofs is too large. Please upload smaller files."};
inline constexpr ErrorCode document_link_invalid{
    "new_order.document_link_invalid",
    "Diesen Link kennen wir nicht. Bitte verwenden Sie den Link aus Ihrer Bestätigung oder E-Mail.",
    "We do not know this link. Please use the link from your confirmation or email."};
inline constexpr ErrorCode not_cancellable{
    "new_order.not_cancellable",
    "Dieser Auftrag kann nicht mehr storniert werden: die Identifizierung ist erfolgt oder der "
    "Auftrag ist abgeschlossen.",
    "This order can no longer be cancelled: the identification has taken place or the order is "
    "closed."};

}  // namespace sigcard::new_order::errors
