// The application for a new qualified signature card (Neuauftrag): the person as on the ID
// document, the document itself, what the certificate is to say, how the applicant will be
// identified, and the contact and addresses every order has (orders/order_data.hpp, with the
// same fields and checks). Validation names each field, as the follow-up order does.
#pragma once

#include "config/trust_center_config.hpp"
#include "orders/order_data.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::new_order {

using orders::FieldError;

// The registered address (Meldeadresse) as on the ID document.
struct RegisteredAddress {
    std::string street;
    std::string postal_code;
    std::string city;
    std::string country = "DE";  // ISO 3166-1 alpha-2
};

struct Person {
    std::string given_names;
    std::string surname;
    std::string birth_name;   // optional
    std::string birth_date;   // YYYY-MM-DD
    std::string birth_place;
    std::string nationality = "DE";  // ISO 3166-1 alpha-2
    RegisteredAddress address;
};

// id_card (German Personalausweis), passport, residence_permit (electronic residence permit),
// eu_id_card (an identity card of another EU/EEA state).
struct IdDocument {
    std::string type;
    std::string number;
    std::string authority;
    std::string issued_on;   // YYYY-MM-DD
    std::string expires_on;  // YYYY-MM-DD
};

// How an attribute is proven: a file the applicant uploads (kept encrypted until the back office
// checks it), or the chamber or company confirms it to the trust center directly.
struct ProofChoice {
    bool confirmed_directly = false;
    std::string upload_sha256;  // of the uploaded file, once it was accepted (proofs.hpp)
};

struct Profession {
    std::string title;    // e.g. "Rechtsanwältin"
    std::string chamber;  // the admitting chamber, e.g. "Rechtsanwaltskammer Köln"
    ProofChoice proof;
};

struct Procuration {
    std::string company;          // whom the holder signs for
    std::string register_court;   // e.g. "Amtsgericht Köln"
    std::string register_number;  // e.g. "HRB 12345"
    ProofChoice proof;
};

struct MonetaryLimit {
    std::int64_t euros = 0;  // per transaction, whole euros
    ProofChoice proof;
};

struct Restriction {
    std::string text;  // e.g. "Nur für Vergabeverfahren"
    ProofChoice proof;
};

struct CertificateContent {
    bool use_pseudonym = false;
    std::string pseudonym;  // without ":PN"
    std::optional<Profession> profession;
    std::optional<Procuration> procuration;
    std::optional<MonetaryLimit> monetary_limit;
    std::optional<Restriction> restriction;
};

struct Identification {
    std::string method = "postident";  // postident | registration_office
    std::string office;                 // the office's id from sigcard.toml, for in person
};

struct Application {
    Person person;
    IdDocument id_document;
    CertificateContent certificate;
    orders::OrderData order;  // contact, shipping, billing; terms_accepted
    Identification identification;
    bool withdrawal_acknowledged = false;  // consumers: the right of withdrawal was shown
};

// A consumer (no company in the billing address) has a right of withdrawal to be told about.
bool is_consumer(const Application& application);

// The attributes the application asks for, by the names their fields and proofs use:
// "profession", "procuration", "monetary_limit", "restriction".
std::vector<std::string> requested_attributes(const Application& application);
ProofChoice* proof_of(Application& application, const std::string& attribute);
const ProofChoice* proof_of(const Application& application, const std::string& attribute);

// Trims every text, upper-cases country codes, normalises the phone number (as the follow-up
// order does) and composes names to NFC.
Application normalise(Application application);

// Every problem, one per field, against the trust center's rules and `today` (YYYY-MM-DD, the
// applicant's age and the document's validity count from it). Proof uploads are checked where
// they arrive (proofs.hpp); here only that each requested attribute has a proof or is
// confirmed directly.
std::vector<FieldError> validate(const Application& application,
                                 const config::NewOrderPolicy& policy,
                                 const std::vector<config::RegistrationOffice>& offices,
                                 const std::string& today);

void to_json(nlohmann::json& j, const Application& application);
// Throws sigcard::Error(request.malformed) when a field has the wrong JSON type.
Application application_from_json(const nlohmann::json& j);

}  // namespace sigcard::new_order
