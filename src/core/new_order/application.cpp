#include "new_order/application.hpp"

#include "new_order/new_order_errors.hpp"
#include "orders/order_errors.hpp"
#include "text/readable_text.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>

namespace sigcard::new_order {

namespace {

using orders::bool_field;
using orders::check_text_field;
using orders::object_field;
using orders::string_field;
using orders::trimmed;
namespace order_errors = orders::errors;

constexpr std::array kIdTypes{"id_card", "passport", "residence_permit", "eu_id_card"};
constexpr std::size_t kMaxPseudonym = 60;  // the commonName holds 64 with ":PN"

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string composed(const std::string& text) {
    const auto t = trimmed(text);
    try {
        return text::normalized(t);
    } catch (const std::invalid_argument&) {
        return t;  // not UTF-8: validation names the field
    }
}

// ISO 3166-1 alpha-2 codes, as libphonenumber knows the world's regions.
const std::set<std::string>& country_codes() {
    static const std::set<std::string> codes = [] {
        std::set<std::string> out;
        i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&out);
        return out;
    }();
    return codes;
}

std::optional<std::chrono::sys_days> parse_date(const std::string& text) {
    static const std::regex pattern("^([0-9]{4})-([0-9]{2})-([0-9]{2})$");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(std::stoi(m[1])),
                                           std::chrono::month(std::stoul(m[2])),
                                           std::chrono::day(std::stoul(m[3]))};
    if (!date.ok() || date.year() < std::chrono::year(1900)) {
        return std::nullopt;
    }
    return std::chrono::sys_days(date);
}

// The day someone born on `birth` turns `years` (29 February: 1 March in other years).
std::chrono::sys_days birthday(std::chrono::sys_days birth, int years) {
    const std::chrono::year_month_day b(birth);
    const std::chrono::year_month_day later{b.year() + std::chrono::years(years), b.month(),
                                            b.day()};
    if (later.ok()) {
        return later;
    }
    return std::chrono::sys_days(later.year() / b.month() / std::chrono::last) +
           std::chrono::days(1);
}

void check_date(std::vector<FieldError>& errors, const std::string& field,
                const std::string& value) {
    if (value.empty()) {
        errors.push_back({field, &order_errors::field_required});
    } else if (!parse_date(value)) {
        errors.push_back({field, &errors::date_invalid});
    }
}

void check_proof(std::vector<FieldError>& errors, const std::string& attribute,
                 const ProofChoice& proof) {
    if (!proof.confirmed_directly && proof.upload_sha256.empty()) {
        errors.push_back({"certificate." + attribute + ".proof", &errors::proof_missing});
    }
}

void check_person(std::vector<FieldError>& errors, const Person& p, const std::string& today,
                  int min_age_years) {
    check_text_field(errors, "person.given_names", p.given_names, true);
    check_text_field(errors, "person.surname", p.surname, true);
    check_text_field(errors, "person.birth_name", p.birth_name, false);
    check_date(errors, "person.birth_date", p.birth_date);
    const auto birth = parse_date(p.birth_date);
    const auto now = parse_date(today);
    if (birth && now) {
        if (*birth > *now) {
            errors.push_back({"person.birth_date", &errors::date_invalid});
        } else if (birthday(*birth, min_age_years) > *now) {
            errors.push_back({"person.birth_date", &errors::under_age});
        }
    }
    check_text_field(errors, "person.birth_place", p.birth_place, true);
    if (p.nationality.empty()) {
        errors.push_back({"person.nationality", &order_errors::field_required});
    } else if (!country_codes().contains(p.nationality)) {
        errors.push_back({"person.nationality", &errors::choice_invalid});
    }
    // The registered address: the same checks as every address (the name is the person's).
    orders::OrderData probe;
    probe.shipping = {p.given_names + " " + p.surname, "", p.address.street, "",
                      p.address.postal_code, p.address.city, p.address.country};
    for (const auto& e : orders::validate_contact_and_addresses(probe)) {
        if (e.field.starts_with("shipping.") && e.field != "shipping.name") {
            errors.push_back({"person.address." + e.field.substr(9), e.code});
        }
    }
}

void check_id_document(std::vector<FieldError>& errors, const IdDocument& d,
                       const std::string& today, int min_validity_days) {
    if (d.type.empty()) {
        errors.push_back({"id_document.type", &order_errors::field_required});
    } else if (std::find(kIdTypes.begin(), kIdTypes.end(), d.type) == kIdTypes.end()) {
        errors.push_back({"id_document.type", &errors::choice_invalid});
    }
    static const std::regex number_pattern("^[A-Z0-9]{6,20}$");
    if (d.number.empty()) {
        errors.push_back({"id_document.number", &order_errors::field_required});
    } else if (!std::regex_match(d.number, number_pattern)) {
        errors.push_back({"id_document.number", &order_errors::field_invalid_characters});
    }
    check_text_field(errors, "id_document.authority", d.authority, true);
    check_date(errors, "id_document.issued_on", d.issued_on);
    check_date(errors, "id_document.expires_on", d.expires_on);
    const auto issued = parse_date(d.issued_on);
    const auto expires = parse_date(d.expires_on);
    const auto now = parse_date(today);
    if (issued && expires && now && (*issued > *now || *issued >= *expires)) {
        errors.push_back({"id_document.issued_on", &errors::id_issued_after_expiry});
    }
    if (expires && now) {
        if (*expires < *now) {
            errors.push_back({"id_document.expires_on", &errors::id_expired});
        } else if (*expires < *now + std::chrono::days(min_validity_days)) {
            errors.push_back({"id_document.expires_on", &errors::id_expires_soon});
        }
    }
}

void check_certificate(std::vector<FieldError>& errors, const CertificateContent& c,
                       const Person& person) {
    if (c.use_pseudonym) {
        check_text_field(errors, "certificate.pseudonym", c.pseudonym, true, kMaxPseudonym * 4);
        const auto pseudonym = lower(c.pseudonym);
        auto names_person = [&](const std::string& name) {
            const auto n = lower(trimmed(name));
            return n.size() >= 2 && pseudonym.find(n) != std::string::npos;
        };
        bool names = names_person(person.surname);
        std::string rest = person.given_names;
        for (std::size_t space; !rest.empty(); rest = space == std::string::npos ? "" : rest.substr(space + 1)) {
            space = rest.find(' ');
            names = names || names_person(rest.substr(0, space));
        }
        const auto code_points =
            std::count_if(c.pseudonym.begin(), c.pseudonym.end(),
                          [](unsigned char ch) { return (ch & 0xC0) != 0x80; });
        if (!c.pseudonym.empty() && (names || pseudonym.ends_with(":pn") ||
                                     code_points > static_cast<long>(kMaxPseudonym))) {
            errors.push_back({"certificate.pseudonym", &errors::pseudonym_invalid});
        }
    }
    if (c.profession) {
        check_text_field(errors, "certificate.profession.title", c.profession->title, true);
        check_text_field(errors, "certificate.profession.chamber", c.profession->chamber, true);
        check_proof(errors, "profession", c.profession->proof);
    }
    if (c.procuration) {
        check_text_field(errors, "certificate.procuration.company", c.procuration->company, true);
        check_text_field(errors, "certificate.procuration.register_court",
                         c.procuration->register_court, true);
        check_text_field(errors, "certificate.procuration.register_number",
                         c.procuration->register_number, true, 40);
        check_proof(errors, "procuration", c.procuration->proof);
    }
    if (c.monetary_limit) {
        if (c.monetary_limit->euros < 1 || c.monetary_limit->euros > 1'000'000'000) {
            errors.push_back({"certificate.monetary_limit.euros", &errors::limit_invalid});
        }
        check_proof(errors, "monetary_limit", c.monetary_limit->proof);
    }
    if (c.restriction) {
        check_text_field(errors, "certificate.restriction.text", c.restriction->text, true, 200);
        check_proof(errors, "restriction", c.restriction->proof);
    }
}

nlohmann::json proof_json(const ProofChoice& p) {
    return {{"confirmed_directly", p.confirmed_directly}, {"upload_sha256", p.upload_sha256}};
}

ProofChoice proof_from(const nlohmann::json& j) {
    const auto& proof = object_field(j, "proof");
    return {bool_field(proof, "confirmed_directly"), string_field(proof, "upload_sha256")};
}

std::int64_t integer_field(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) {
        return 0;
    }
    if (!j.at(key).is_number_integer()) {
        throw Error(order_errors::malformed_request,
                    std::string("field ") + key + " is not an integer");
    }
    return j.at(key).get<std::int64_t>();
}

}  // namespace

bool is_consumer(const Application& a) {
    return a.order.billing.company.empty() && a.order.billing.vat_id.empty();
}

std::vector<std::string> requested_attributes(const Application& a) {
    std::vector<std::string> out;
    const auto& c = a.certificate;
    if (c.profession) out.push_back("profession");
    if (c.procuration) out.push_back("procuration");
    if (c.monetary_limit) out.push_back("monetary_limit");
    if (c.restriction) out.push_back("restriction");
    return out;
}

ProofChoice* proof_of(Application& a, const std::string& attribute) {
    auto& c = a.certificate;
    if (attribute == "profession" && c.profession) return &c.profession->proof;
    if (attribute == "procuration" && c.procuration) return &c.procuration->proof;
    if (attribute == "monetary_limit" && c.monetary_limit) return &c.monetary_limit->proof;
    if (attribute == "restriction" && c.restriction) return &c.restriction->proof;
    return nullptr;
}

const ProofChoice* proof_of(const Application& a, const std::string& attribute) {
    return proof_of(const_cast<Application&>(a), attribute);
}

Application normalise(Application a) {
    auto& p = a.person;
    p.given_names = composed(p.given_names);
    p.surname = composed(p.surname);
    p.birth_name = composed(p.birth_name);
    p.birth_date = trimmed(p.birth_date);
    p.birth_place = composed(p.birth_place);
    p.nationality = upper(trimmed(p.nationality));
    p.address.street = composed(p.address.street);
    p.address.postal_code = upper(trimmed(p.address.postal_code));
    p.address.city = composed(p.address.city);
    p.address.country = upper(trimmed(p.address.country));
    auto& d = a.id_document;
    d.type = trimmed(d.type);
    d.number = upper(trimmed(d.number));
    d.number.erase(std::remove(d.number.begin(), d.number.end(), ' '), d.number.end());
    d.authority = composed(d.authority);
    d.issued_on = trimmed(d.issued_on);
    d.expires_on = trimmed(d.expires_on);
    auto& c = a.certificate;
    c.pseudonym = c.use_pseudonym ? composed(c.pseudonym) : std::string{};
    if (c.profession) {
        c.profession->title = composed(c.profession->title);
        c.profession->chamber = composed(c.profession->chamber);
    }
    if (c.procuration) {
        c.procuration->company = composed(c.procuration->company);
        c.procuration->register_court = composed(c.procuration->register_court);
        c.procuration->register_number = composed(c.procuration->register_number);
    }
    if (c.restriction) {
        c.restriction->text = composed(c.restriction->text);
    }
    a.identification.method = trimmed(a.identification.method);
    a.identification.office = trimmed(a.identification.office);
    a.order = orders::normalise(a.order);
    return a;
}

std::vector<FieldError> validate(const Application& a, const config::NewOrderPolicy& policy,
                                 const std::vector<config::RegistrationOffice>& offices,
                                 const std::string& today) {
    std::vector<FieldError> errors;
    check_person(errors, a.person, today, policy.min_age_years);
    check_id_document(errors, a.id_document, today, policy.min_id_validity_days);
    check_certificate(errors, a.certificate, a.person);
    for (auto& e : orders::validate_contact_and_addresses(a.order)) {
        errors.push_back(std::move(e));
    }
    const auto& method = a.identification.method;
    if (method == "registration_office") {
        if (std::none_of(offices.begin(), offices.end(), [&](const config::RegistrationOffice& o) {
                return o.id == a.identification.office;
            })) {
            errors.push_back({"identification.office", &errors::office_unknown});
        }
    } else if (method != "postident") {
        errors.push_back({"identification.method", &errors::choice_invalid});
    }
    if (!a.order.terms_accepted) {
        errors.push_back({"declaration.terms_accepted", &order_errors::terms_not_accepted});
    }
    if (is_consumer(a) && !a.withdrawal_acknowledged) {
        errors.push_back(
            {"declaration.withdrawal_acknowledged", &errors::withdrawal_not_acknowledged});
    }
    return errors;
}

void to_json(nlohmann::json& j, const Application& a) {
    const auto& p = a.person;
    const auto& d = a.id_document;
    const auto& c = a.certificate;
    nlohmann::json certificate = nlohmann::json::object();
    if (c.use_pseudonym) {
        certificate["pseudonym"] = c.pseudonym;
    }
    if (c.profession) {
        certificate["profession"] = {{"title", c.profession->title},
                                     {"chamber", c.profession->chamber},
                                     {"proof", proof_json(c.profession->proof)}};
    }
    if (c.procuration) {
        certificate["procuration"] = {{"company", c.procuration->company},
                                      {"register_court", c.procuration->register_court},
                                      {"register_number", c.procuration->register_number},
                                      {"proof", proof_json(c.procuration->proof)}};
    }
    if (c.monetary_limit) {
        certificate["monetary_limit"] = {{"euros", c.monetary_limit->euros},
                                         {"proof", proof_json(c.monetary_limit->proof)}};
    }
    if (c.restriction) {
        certificate["restriction"] = {{"text", c.restriction->text},
                                      {"proof", proof_json(c.restriction->proof)}};
    }
    j = a.order;
    j["declaration"] = {{"terms_accepted", a.order.terms_accepted},
                        {"withdrawal_acknowledged", a.withdrawal_acknowledged}};
    j["person"] = {{"given_names", p.given_names},
                   {"surname", p.surname},
                   {"birth_name", p.birth_name},
                   {"birth_date", p.birth_date},
                   {"birth_place", p.birth_place},
                   {"nationality", p.nationality},
                   {"address",
                    {{"street", p.address.street},
                     {"postal_code", p.address.postal_code},
                     {"city", p.address.city},
                     {"country", p.address.country}}}};
    j["id_document"] = {{"type", d.type},
                        {"number", d.number},
                        {"authority", d.authority},
                        {"issued_on", d.issued_on},
                        {"expires_on", d.expires_on}};
    j["certificate"] = certificate;
    j["identification"] = {{"method", a.identification.method},
                           {"office", a.identification.office}};
}

Application application_from_json(const nlohmann::json& j) {
    if (!j.is_object()) {
        throw Error(order_errors::malformed_request, "application is not an object");
    }
    Application a;
    a.order = orders::order_data_from_json(j);
    a.order.name_and_attributes_unchanged = false;
    const auto& declaration = object_field(j, "declaration");
    a.withdrawal_acknowledged = bool_field(declaration, "withdrawal_acknowledged");
    const auto& p = object_field(j, "person");
    a.person.given_names = string_field(p, "given_names");
    a.person.surname = string_field(p, "surname");
    a.person.birth_name = string_field(p, "birth_name");
    a.person.birth_date = string_field(p, "birth_date");
    a.person.birth_place = string_field(p, "birth_place");
    a.person.nationality = string_field(p, "nationality");
    const auto& address = object_field(p, "address");
    a.person.address = {string_field(address, "street"), string_field(address, "postal_code"),
                        string_field(address, "city"), string_field(address, "country")};
    const auto& d = object_field(j, "id_document");
    a.id_document = {string_field(d, "type"), string_field(d, "number"),
                     string_field(d, "authority"), string_field(d, "issued_on"),
                     string_field(d, "expires_on")};
    const auto& c = object_field(j, "certificate");
    if (c.contains("pseudonym") && !c.at("pseudonym").is_null()) {
        a.certificate.use_pseudonym = true;
        a.certificate.pseudonym = string_field(c, "pseudonym");
    }
    if (const auto& x = object_field(c, "profession"); !x.empty()) {
        a.certificate.profession =
            Profession{string_field(x, "title"), string_field(x, "chamber"), proof_from(x)};
    }
    if (const auto& x = object_field(c, "procuration"); !x.empty()) {
        a.certificate.procuration =
            Procuration{string_field(x, "company"), string_field(x, "register_court"),
                        string_field(x, "register_number"), proof_from(x)};
    }
    if (const auto& x = object_field(c, "monetary_limit"); !x.empty()) {
        a.certificate.monetary_limit = MonetaryLimit{integer_field(x, "euros"), proof_from(x)};
    }
    if (const auto& x = object_field(c, "restriction"); !x.empty()) {
        a.certificate.restriction = Restriction{string_field(x, "text"), proof_from(x)};
    }
    const auto& identification = object_field(j, "identification");
    a.identification.method = string_field(identification, "method");
    a.identification.office = string_field(identification, "office");
    return a;
}


}  // namespace sigcard::new_order
