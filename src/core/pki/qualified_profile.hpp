// The holder's side of a qualified certificate (ETSI EN 319 412-2/-5, Common PKI): subject name
// and the attributes a chamber or register vouched for. Encoded into X.509 and read back into
// exactly the same value, so a follow-up card can carry them over unchanged.
#pragma once

#include "crypto/ossl.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sigcard::pki {

namespace oid {
inline constexpr const char* admission = "1.3.36.8.3.3";
inline constexpr const char* procuration = "1.3.36.8.3.2";
inline constexpr const char* restriction = "1.3.36.8.3.8";
inline constexpr const char* additional_information = "1.3.36.8.3.15";
inline constexpr const char* profession_rechtsanwalt = "1.3.36.8.3.11.1.2";
inline constexpr const char* profession_steuerberater = "1.3.36.8.3.11.1.5";
inline constexpr const char* profession_notar = "1.3.36.8.3.11.1.9";
inline constexpr const char* profession_physician = "1.2.276.0.76.4.30";
}  // namespace oid

// One profession the chamber confirmed, e.g. {"Rechtsanwältin"}, {1.3.36.8.3.11.1.2}, "RAK-1234".
struct ProfessionInfo {
    std::vector<std::string> items;
    std::vector<std::string> oids;
    std::string registration_number;  // PrintableString; empty when absent
    bool operator==(const ProfessionInfo&) const = default;
};

// Admission (Common PKI 1.3.36.8.3.3): the chamber that admitted the holder to a profession.
struct Admission {
    std::string authority;  // the chamber, as organizationName of a directoryName
    std::vector<ProfessionInfo> professions;
    bool operator==(const Admission&) const = default;
};

// Procuration (Common PKI 1.3.36.8.3.2): the holder may sign for someone else, e.g. as managing
// director for a company, named with its commercial register number.
struct Procuration {
    std::string country;               // law that applies, 2 letters; empty when absent
    std::string type_of_substitution;  // e.g. "Geschäftsführer"; empty when absent
    std::string signing_for;           // organizationName of the represented party
    std::string register_number;       // serialNumber of the represented party (PrintableString)
    bool operator==(const Procuration&) const = default;
};

// ETSI QcLimitValue (0.4.0.1862.1.2): amount × 10^exponent in the currency.
struct MonetaryLimit {
    std::string currency;  // ISO 4217 alphabetic, e.g. "EUR"
    long amount = 0;
    long exponent = 0;
    bool operator==(const MonetaryLimit&) const = default;
};

struct HolderProfile {
    std::string given_name;  // empty for a pseudonym certificate
    std::string surname;
    std::optional<std::string> pseudonym;  // without the ":PN" suffix the CN carries
    std::string serial_number;             // subject serialNumber, unique per holder
    std::string country;                   // countryName
    std::optional<Admission> admission;
    std::optional<Procuration> procuration;
    std::optional<std::string> restriction;
    std::optional<std::string> additional_information;
    std::optional<MonetaryLimit> limit_value;  // carried in qcStatements
    bool operator==(const HolderProfile&) const = default;

    // The commonName: "given surname", or "pseudonym:PN".
    std::string common_name() const;
};

// Subject DN of the holder's certificate. Throws pki.invalid_profile for a pseudonym that also
// names the person, or a profile without a name.
ossl::X509NamePtr holder_subject(const HolderProfile& profile);

// The Common PKI attribute extensions the profile needs (admission, procuration, restriction,
// additionalInformation), all non-critical. The limit value goes into qcStatements instead.
std::vector<ossl::X509ExtensionPtr> attribute_extensions(const HolderProfile& profile);

// Reads subject, attributes and QcLimitValue back. Throws pki.malformed_profile.
HolderProfile read_holder_profile(const X509* cert);

}  // namespace sigcard::pki
