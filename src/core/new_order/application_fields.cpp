#include "new_order/application_fields.hpp"

#include <algorithm>
#include <array>

namespace sigcard::new_order {

namespace {

constexpr std::array<ApplicationField, 33> kFields{{
    {"person.given_names", "Vornamen", "Given names"},
    {"person.surname", "Familienname", "Surname"},
    {"person.birth_name", "Geburtsname", "Birth name"},
    {"person.birth_date", "Geburtsdatum", "Date of birth"},
    {"person.birth_place", "Geburtsort", "Place of birth"},
    {"person.nationality", "Staatsangehörigkeit", "Nationality"},
    {"person.address.street", "Meldeadresse – Straße und Hausnummer",
     "Registered address – street and number"},
    {"person.address.postal_code", "Meldeadresse – Postleitzahl", "Registered address – postcode"},
    {"person.address.city", "Meldeadresse – Ort", "Registered address – town"},
    {"person.address.country", "Meldeadresse – Land", "Registered address – country"},
    {"id_document.type", "Ausweisdokument – Art", "ID document – type"},
    {"id_document.number", "Ausweisdokument – Nummer", "ID document – number"},
    {"id_document.authority", "Ausweisdokument – ausstellende Behörde",
     "ID document – issuing authority"},
    {"id_document.issued_on", "Ausweisdokument – ausgestellt am", "ID document – date of issue"},
    {"id_document.expires_on", "Ausweisdokument – gültig bis", "ID document – date of expiry"},
    {"certificate.pseudonym", "Pseudonym", "Pseudonym"},
    {"certificate.profession.title", "Beruf", "Profession"},
    {"certificate.profession.chamber", "Zulassende Kammer", "Admitting chamber"},
    {"certificate.profession.proof", "Nachweis der Zulassung", "Proof of admission"},
    {"certificate.procuration.company", "Vertretene Firma", "Company represented"},
    {"certificate.procuration.register_court", "Registergericht", "Register court"},
    {"certificate.procuration.register_number", "Registernummer", "Register number"},
    {"certificate.procuration.proof", "Nachweis der Vertretungsmacht", "Proof of procuration"},
    {"certificate.monetary_limit.euros", "Betragsgrenze in Euro", "Monetary limit in euros"},
    {"certificate.monetary_limit.proof", "Nachweis der Betragsgrenze", "Proof of the limit"},
    {"certificate.restriction.text", "Beschränkung", "Restriction"},
    {"certificate.restriction.proof", "Nachweis der Beschränkung", "Proof of the restriction"},
    {"identification.method", "Identifizierung", "Identification"},
    {"identification.office", "Registrierungsstelle", "Registration office"},
    {"declaration.terms_accepted", "Allgemeine Geschäftsbedingungen", "Terms and conditions"},
    {"declaration.withdrawal_acknowledged", "Widerrufsbelehrung", "Right of withdrawal"},
    {"revocation.password", "Sperrkennwort", "Revocation password"},
    {"revocation.password_repeat", "Sperrkennwort (Wiederholung)", "Revocation password (again)"},
}};

}  // namespace

std::span<const ApplicationField> application_fields() {
    return kFields;
}

const ApplicationField* application_field(std::string_view name) {
    const auto found = std::find_if(kFields.begin(), kFields.end(),
                                    [name](const ApplicationField& f) { return f.name == name; });
    return found == kFields.end() ? nullptr : &*found;
}

}  // namespace sigcard::new_order
