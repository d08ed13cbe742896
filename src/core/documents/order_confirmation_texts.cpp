#include "documents/order_confirmation_texts.hpp"

#include "orders/order_document.hpp"

#include <fmt/format.h>
#include <glib.h>

#include <map>
#include <memory>

namespace sigcard::documents {

namespace {

constexpr ConfirmationTexts kGerman{
    "Auftragsbestätigung – Folgeauftrag",
    "Folgeauftrag – neue Signaturkarte ohne erneute Identifizierung",
    "Qualifizierte elektronische Signaturkarten",
    "Auftragsnummer",
    "Eingegangen am",
    "Vielen Dank für Ihren Auftrag. Ihren mit Ihrer qualifizierten Signaturkarte signierten "
    "Folgeauftrag haben wir erhalten und gespeichert. Bitte prüfen Sie die Angaben und nennen Sie "
    "bei Rückfragen stets Ihre Auftragsnummer.",
    "Ihr Auftrag",
    "Vertrauensdiensteanbieter",
    "Auftragsart",
    "Karteninhaber laut bisherigem Zertifikat",
    "Name",
    "Seriennummer des bisherigen Zertifikats",
    "Kontaktdaten",
    "Versandadresse der Signaturkarte",
    "Rechnungsadresse",
    "Anschrift",
    "Allgemeine Geschäftsbedingungen",
    "Version",
    "SHA-256",
    "Preis der Signaturkarte",
    "Signierter Auftrag",
    "Auftragsdokument (SHA-256)",
    "Erklärung",
    "Sie haben mit Ihrer Signatur bestätigt, dass sich Ihr Name und die Zusatzinformationen in "
    "Ihrem Zertifikat seit dessen Ausstellung nicht geändert haben.",
    "Wie geht es weiter?",
    "Bitte bewahren Sie diese Bestätigung auf. Sie wurde maschinell erstellt und ist ohne "
    "Unterschrift gültig.",
    "Auftragsdokument (SHA-256):",
    "Signiert mit der qualifizierten Signaturkarte, Zertifikat-Seriennummer",
    "Seite {} von {}",
    "MESZ",
    "MEZ",
    {{{"Prüfung",
       "Unser Backoffice prüft Ihren Auftrag. Bei Rückfragen melden wir uns unter den "
       "oben genannten Kontaktdaten."},
      {"Herstellung",
       "Ihre neue Signaturkarte wird mit einem neuen Schlüssel hergestellt. Name und "
       "Zusatzinformationen (Attribute) werden unverändert aus Ihrem bisherigen Zertifikat "
       "übernommen."},
      {"Versand",
       "Die Karte wird an die oben genannte Versandadresse geschickt. Den PIN-Brief "
       "erhalten Sie aus Sicherheitsgründen getrennt davon mit separater Post."},
      {"Empfangsbestätigung",
       "Bis Sie den Erhalt der Karte bestätigen, ist das neue Zertifikat gesperrt (vorläufige "
       "Sperrung). Bestätigen Sie den Empfang im Portal mit der neuen Karte: unter "
       "„Auftragsstatus“ Auftragsnummer und E-Mail-Adresse eingeben, dann „Empfang mit der "
       "neuen Karte bestätigen“ – Sie signieren eine kurze Empfangsbestätigung mit der PIN aus "
       "dem PIN-Brief, und das Zertifikat wird sofort freigeschaltet."},
      {"Freischaltung",
       "Nach Ihrer Empfangsbestätigung wird das neue Zertifikat aktiviert; "
       "die neue Karte ist dann einsatzbereit."},
      {"Bisherige Karte",
       "Ihre bisherige Signaturkarte bleibt bis zu ihrem Ablaufdatum gültig "
       "und kann bis dahin weiter verwendet werden."}}}};

constexpr ConfirmationTexts kEnglish{
    "Order confirmation – follow-up order",
    "Follow-up order – new signature card without new identification",
    "Qualified electronic signature cards",
    "Order number",
    "Received on",
    "Thank you for your order. We have received and stored your follow-up order, signed with "
    "your qualified signature card. Please check the details below and quote your order number "
    "whenever you contact us.",
    "Your order",
    "Trust service provider",
    "Kind of order",
    "Card holder as stated in the current certificate",
    "Name",
    "Serial number of the current certificate",
    "Contact",
    "Shipping address of the signature card",
    "Billing address",
    "Address",
    "General terms and conditions",
    "Version",
    "SHA-256",
    "Price of the signature card",
    "Signed order",
    "Order document (SHA-256)",
    "Declaration",
    "With your signature you confirmed that your name and the additional information in your "
    "certificate have not changed since it was issued.",
    "What happens next",
    "Please keep this confirmation. It was produced automatically and is valid without a "
    "handwritten signature.",
    "Order document (SHA-256):",
    "Signed with the qualified signature card, certificate serial",
    "Page {} of {}",
    "CEST",
    "CET",
    {{{"Review",
       "Our back office reviews your order. If anything is unclear, we will contact "
       "you using the contact details above."},
      {"Production",
       "Your new signature card is produced with a new key. Your name and the "
       "additional information (attributes) are carried over unchanged from your "
       "current certificate."},
      {"Shipping",
       "The card is sent to the shipping address above. For your security, the PIN "
       "letter is sent separately."},
      {"Confirming receipt",
       "The new certificate is suspended (on hold) until you confirm that you have received the "
       "card. Confirm receipt in the portal with the new card: under \"Order status\" enter the "
       "order number and your email address, then \"Confirm receipt with the new card\" – you "
       "sign a short confirmation of receipt with the PIN from the PIN letter, and the "
       "certificate is activated at once."},
      {"Activation",
       "Once you have confirmed receipt, the new certificate is activated and the "
       "new card is ready to use."},
      {"Your current card",
       "Your current signature card stays valid until it expires and can "
       "be used until then."}}}};

const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kCountries{
    {"DE", {"Deutschland", "Germany"}},
    {"AT", {"Österreich", "Austria"}},
    {"CH", {"Schweiz", "Switzerland"}},
    {"LI", {"Liechtenstein", "Liechtenstein"}},
    {"LU", {"Luxemburg", "Luxembourg"}},
    {"BE", {"Belgien", "Belgium"}},
    {"NL", {"Niederlande", "Netherlands"}},
    {"FR", {"Frankreich", "France"}},
    {"IT", {"Italien", "Italy"}},
    {"DK", {"Dänemark", "Denmark"}},
    {"PL", {"Polen", "Poland"}},
    {"CZ", {"Tschechien", "Czechia"}}};

constexpr std::array<std::string_view, 12> kEnglishMonths{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

struct GDateTimeDeleter {
    void operator()(GDateTime* t) const noexcept { g_date_time_unref(t); }
};
struct GTimeZoneDeleter {
    void operator()(GTimeZone* z) const noexcept { g_time_zone_unref(z); }
};
using DateTimePtr = std::unique_ptr<GDateTime, GDateTimeDeleter>;

std::string date_and_time(GDateTime* t, bool german) {
    const int day = g_date_time_get_day_of_month(t);
    const int month = g_date_time_get_month(t);
    const int year = g_date_time_get_year(t);
    const int hour = g_date_time_get_hour(t);
    const int minute = g_date_time_get_minute(t);
    if (german) {
        return fmt::format("{:02}.{:02}.{}, {:02}:{:02} Uhr", day, month, year, hour, minute);
    }
    return fmt::format("{} {} {}, {:02}:{:02}", day,
                       kEnglishMonths.at(static_cast<std::size_t>(month - 1)), year, hour, minute);
}

}  // namespace

const ConfirmationTexts& texts_for(Language language) {
    return language == Language::german ? kGerman : kEnglish;
}

// Holders think in German time; UTC beside it matches the order document and the logs.
std::string received_at(std::int64_t unix_seconds, Language language) {
    const bool german = language == Language::german;
    const DateTimePtr utc(g_date_time_new_from_unix_utc(unix_seconds));
    if (!utc) {
        return orders::format_utc(unix_seconds);
    }
    const std::unique_ptr<GTimeZone, GTimeZoneDeleter> berlin(
        g_time_zone_new_identifier("Europe/Berlin"));
    const DateTimePtr local(berlin ? g_date_time_to_timezone(utc.get(), berlin.get()) : nullptr);
    if (!local) {
        return date_and_time(utc.get(), german) + " UTC";
    }
    const auto& texts = texts_for(language);
    const auto zone =
        g_date_time_is_daylight_savings(local.get()) ? texts.daylight : texts.standard;
    return fmt::format("{} {} ({:02}:{:02}{} UTC)", date_and_time(local.get(), german), zone,
                       g_date_time_get_hour(utc.get()), g_date_time_get_minute(utc.get()),
                       german ? " Uhr" : "");
}

std::string country_name(const std::string& code, Language language) {
    const auto found = kCountries.find(code);
    if (found == kCountries.end()) {
        return code;
    }
    return std::string(language == Language::german ? found->second.first : found->second.second);
}

}  // namespace sigcard::documents
