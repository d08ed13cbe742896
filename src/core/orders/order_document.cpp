#include "orders/order_document.hpp"

#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <ctime>
#include <stdexcept>

namespace sigcard::orders {

namespace {

// A value on one line of the document, readable by the one rule (validation refused anything
// else where it was entered; this is the document's own guard).
const std::string& checked(const std::string& value) {
    if (!text::is_readable(value, text::Lines::single)) {
        throw std::invalid_argument("order document value is not readable text");
    }
    return value;
}

void line(std::string& out, std::string_view label, const std::string& value) {
    out += fmt::format("  {}: {}\n", label, checked(value));
}

void optional_line(std::string& out, std::string_view label, const std::string& value) {
    if (!value.empty()) {
        line(out, label, value);
    }
}

struct Labels {
    std::string_view title, trust_center, kind, kind_value, holder, name, serial, contact, email,
        phone, shipping, billing, recipient, company, street, extra, postal_code, city, country,
        vat_id, declaration, declaration_text, terms, price, process, nonce, created, none;
};

constexpr Labels kGerman{
    "Folgeauftrag für eine qualifizierte Signaturkarte",
    "Vertrauensdiensteanbieter",
    "Auftragsart",
    "Folgeauftrag: neue Signaturkarte ohne erneute Identifizierung",
    "Karteninhaber laut bisherigem Zertifikat",
    "Name",
    "Seriennummer des Zertifikats",
    "Kontaktdaten",
    "E-Mail",
    "Telefon",
    "Versandadresse der Signaturkarte",
    "Rechnungsadresse",
    "Empfänger",
    "Firma",
    "Straße und Hausnummer",
    "Adresszusatz",
    "Postleitzahl",
    "Ort",
    "Land",
    "USt-IdNr.",
    "Erklärung",
    "Mit meiner Signatur bestätige ich, dass sich mein Name und der Inhalt der Zusatzinformationen "
    "in meinem Zertifikat seit dessen Ausstellung nicht geändert haben, und beauftrage eine neue "
    "Signaturkarte zu den zu diesem Zeitpunkt gültigen Allgemeinen Geschäftsbedingungen.",
    "Allgemeine Geschäftsbedingungen",
    "Preis der Signaturkarte",
    "Vorgang",
    "Nonce",
    "Erstellt (UTC)",
    "keine"};

constexpr Labels kEnglish{
    "Follow-up order for a qualified signature card",
    "Trust service provider",
    "Kind of order",
    "Follow-up order: new signature card without new identification",
    "Card holder as stated in the current certificate",
    "Name",
    "Certificate serial number",
    "Contact",
    "Email",
    "Phone",
    "Shipping address of the signature card",
    "Billing address",
    "Recipient",
    "Company",
    "Street and number",
    "Address supplement",
    "Postcode",
    "City",
    "Country",
    "VAT ID",
    "Declaration",
    "By signing I confirm that my name and the content of the additional information in my "
    "certificate have not changed since it was issued, and I order a new signature card under the "
    "general terms and conditions valid at this moment.",
    "General terms and conditions",
    "Price of the signature card",
    "Process",
    "Nonce",
    "Created (UTC)",
    "none"};

void address(std::string& out, const Labels& l, const PostalAddress& a) {
    line(out, l.recipient, a.name);
    optional_line(out, l.company, a.company);
    line(out, l.street, a.street);
    optional_line(out, l.extra, a.address_extra);
    line(out, l.postal_code, a.postal_code);
    line(out, l.city, a.city);
    line(out, l.country, a.country);
}

void section(std::string& out, const Labels& l, const OrderDocumentInput& in, bool german) {
    out += fmt::format("{}\n{}\n\n", l.title, std::string(l.title.size(), '='));
    line(out, l.trust_center, in.trust_center);
    line(out, l.kind, std::string(l.kind_value));
    out += fmt::format("\n{}\n", l.holder);
    line(out, l.name, in.holder.name);
    line(out, l.serial, in.holder.certificate_serial);
    for (const auto& fact : in.holder.facts) {
        line(out, german ? fact.label_de : fact.label_en, fact.value);
    }
    out += fmt::format("\n{}\n", l.contact);
    line(out, l.email, in.data.contact.email);
    line(out, l.phone, in.data.contact.phone);
    out += fmt::format("\n{}\n", l.shipping);
    address(out, l, in.data.shipping);
    out += fmt::format("\n{}\n", l.billing);
    address(out, l, in.data.billing);
    optional_line(out, l.vat_id, in.data.billing.vat_id);
    out += fmt::format("\n{}\n  {}\n", l.declaration, l.declaration_text);
    line(out, l.terms,
         fmt::format("{} (SHA-256 {})", checked(in.terms_version), checked(in.terms_sha256)));
    line(out, l.price, price_text(in.price, !german));
    out += fmt::format("\n{}\n", l.process);
    line(out, l.nonce, in.nonce);
    line(out, l.created, format_utc(in.created_at));
}

}  // namespace

std::string price_in_document(std::string_view document, bool english) {
    const auto& labels = english ? kEnglish : kGerman;
    const auto marker = fmt::format("\n  {}: ", labels.price);
    const auto at = document.find(marker);
    if (at == std::string_view::npos) {
        return {};
    }
    const auto start = at + marker.size();
    return std::string(document.substr(start, document.find('\n', start) - start));
}

std::string format_utc(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string render_order_document(const OrderDocumentInput& in) {
    std::string out;
    section(out, kGerman, in, true);
    out += "\n---------------------------------------------------------------------\n\n";
    section(out, kEnglish, in, false);
    return out;
}

}  // namespace sigcard::orders
