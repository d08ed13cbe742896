#include "pki/qualified_profile.hpp"

#include "crypto/der.hpp"
#include "pki/pki_errors.hpp"
#include "pki/qc_statements.hpp"

#include <openssl/x509v3.h>

namespace sigcard::pki {

namespace {
using ossl::Bytes;
using AdmissionSyntaxPtr = std::unique_ptr<ADMISSION_SYNTAX, ossl::Deleter<ADMISSION_SYNTAX_free>>;

constexpr std::string_view pseudonym_suffix = ":PN";

std::string utf8_of(const ASN1_STRING* s) {
    unsigned char* out = nullptr;
    const int len = ASN1_STRING_to_UTF8(&out, s);
    if (len < 0) {
        throw Error(errors::malformed_profile, "string not convertible to UTF-8");
    }
    std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
    return text;
}

void add_entry(X509_NAME* name, int nid, const std::string& value) {
    if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
        throw Error(errors::invalid_profile,
                    std::string(OBJ_nid2sn(nid)) + ": " + ossl::last_error());
    }
}

// The single value of `nid` in `name`; empty when absent, malformed when repeated.
std::string entry(const X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) {
        return {};
    }
    if (X509_NAME_get_index_by_NID(name, nid, index) >= 0) {
        throw Error(errors::malformed_profile, std::string(OBJ_nid2sn(nid)) + " repeated");
    }
    return utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
}

ossl::Asn1ObjectPtr object(const std::string& dotted) {
    ossl::Asn1ObjectPtr obj(OBJ_txt2obj(dotted.c_str(), 1));
    if (!obj) {
        throw Error(errors::invalid_profile, "not an OID: " + dotted);
    }
    return obj;
}

std::string oid_of(const ASN1_OBJECT* obj) {
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (n <= 0 || n >= static_cast<int>(sizeof buf)) {
        throw Error(errors::malformed_profile, "bad OID");
    }
    return std::string(buf, static_cast<std::size_t>(n));
}

// A directoryName holding one organizationName, as Common PKI names chambers and companies.
ossl::GeneralNamePtr organization_name(const std::string& organization) {
    ossl::X509NamePtr name(X509_NAME_new());
    add_entry(name.get(), NID_organizationName, organization);
    ossl::GeneralNamePtr general(GENERAL_NAME_new());
    GENERAL_NAME_set0_value(general.get(), GEN_DIRNAME, name.release());
    return general;
}

std::string organization_of(const GENERAL_NAME* general) {
    if (general == nullptr || general->type != GEN_DIRNAME) {
        throw Error(errors::malformed_profile, "admission authority is not a directoryName");
    }
    return entry(general->d.directoryName, NID_organizationName);
}

PROFESSION_INFO* profession_info(const ProfessionInfo& info) {
    std::unique_ptr<PROFESSION_INFO, ossl::Deleter<PROFESSION_INFO_free>> out(
        PROFESSION_INFO_new());
    STACK_OF(ASN1_STRING)* items = sk_ASN1_STRING_new_null();
    PROFESSION_INFO_set0_professionItems(out.get(), items);
    for (const auto& item : info.items) {
        ASN1_STRING* s = ASN1_STRING_type_new(V_ASN1_UTF8STRING);
        ASN1_STRING_set(s, item.data(), static_cast<int>(item.size()));
        sk_ASN1_STRING_push(items, s);
    }
    if (!info.oids.empty()) {
        STACK_OF(ASN1_OBJECT)* oids = sk_ASN1_OBJECT_new_null();
        PROFESSION_INFO_set0_professionOIDs(out.get(), oids);
        for (const auto& o : info.oids) {
            sk_ASN1_OBJECT_push(oids, object(o).release());
        }
    }
    if (!info.registration_number.empty()) {
        der::printable(info.registration_number);  // throws when not printable
        ASN1_PRINTABLESTRING* number = ASN1_PRINTABLESTRING_new();
        ASN1_STRING_set(number, info.registration_number.data(),
                        static_cast<int>(info.registration_number.size()));
        PROFESSION_INFO_set0_registrationNumber(out.get(), number);
    }
    return out.release();
}

ProfessionInfo read_profession_info(const PROFESSION_INFO* pi) {
    ProfessionInfo info;
    const STACK_OF(ASN1_STRING)* items = PROFESSION_INFO_get0_professionItems(pi);
    for (int i = 0; i < sk_ASN1_STRING_num(items); ++i) {
        info.items.push_back(utf8_of(sk_ASN1_STRING_value(items, i)));
    }
    if (const STACK_OF(ASN1_OBJECT)* oids = PROFESSION_INFO_get0_professionOIDs(pi)) {
        for (int i = 0; i < sk_ASN1_OBJECT_num(oids); ++i) {
            info.oids.push_back(oid_of(sk_ASN1_OBJECT_value(oids, i)));
        }
    }
    if (const ASN1_PRINTABLESTRING* number = PROFESSION_INFO_get0_registrationNumber(pi)) {
        info.registration_number = utf8_of(number);
    }
    return info;
}

Bytes admission_der(const Admission& admission) {
    AdmissionSyntaxPtr syntax(ADMISSION_SYNTAX_new());
    ADMISSION_SYNTAX_set0_admissionAuthority(syntax.get(),
                                             organization_name(admission.authority).release());
    STACK_OF(ADMISSIONS)* contents = sk_ADMISSIONS_new_null();
    ADMISSION_SYNTAX_set0_contentsOfAdmissions(syntax.get(), contents);
    ADMISSIONS* entry_of_contents = ADMISSIONS_new();
    sk_ADMISSIONS_push(contents, entry_of_contents);
    PROFESSION_INFOS* infos = sk_PROFESSION_INFO_new_null();
    ADMISSIONS_set0_professionInfos(entry_of_contents, infos);
    for (const auto& info : admission.professions) {
        sk_PROFESSION_INFO_push(infos, profession_info(info));
    }
    const int len = i2d_ADMISSION_SYNTAX(syntax.get(), nullptr);
    if (len <= 0) {
        throw Error(errors::invalid_profile, "admission: " + ossl::last_error());
    }
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_ADMISSION_SYNTAX(syntax.get(), &p);
    return out;
}

Admission read_admission(const Bytes& content) {
    const unsigned char* p = content.data();
    AdmissionSyntaxPtr syntax(d2i_ADMISSION_SYNTAX(nullptr, &p, static_cast<long>(content.size())));
    if (!syntax || p != content.data() + content.size()) {
        throw Error(errors::malformed_profile, "admission: " + ossl::last_error());
    }
    Admission admission;
    admission.authority = organization_of(ADMISSION_SYNTAX_get0_admissionAuthority(syntax.get()));
    const STACK_OF(ADMISSIONS)* contents = ADMISSION_SYNTAX_get0_contentsOfAdmissions(syntax.get());
    for (int i = 0; i < sk_ADMISSIONS_num(contents); ++i) {
        const PROFESSION_INFOS* infos =
            ADMISSIONS_get0_professionInfos(sk_ADMISSIONS_value(contents, i));
        for (int j = 0; j < sk_PROFESSION_INFO_num(infos); ++j) {
            admission.professions.push_back(
                read_profession_info(sk_PROFESSION_INFO_value(infos, j)));
        }
    }
    return admission;
}

// ProcurationSyntax ::= SEQUENCE { country [1] EXPLICIT PrintableString OPTIONAL,
//   typeOfSubstitution [2] EXPLICIT DirectoryString OPTIONAL, signingFor [3] EXPLICIT SigningFor }
// with SigningFor's thirdPerson a directoryName ([4] EXPLICIT Name).
Bytes procuration_der(const Procuration& procuration) {
    ossl::X509NamePtr party(X509_NAME_new());
    add_entry(party.get(), NID_organizationName, procuration.signing_for);
    if (!procuration.register_number.empty()) {
        add_entry(party.get(), NID_serialNumber, procuration.register_number);
    }
    const int len = i2d_X509_NAME(party.get(), nullptr);
    Bytes name(static_cast<std::size_t>(len));
    unsigned char* p = name.data();
    i2d_X509_NAME(party.get(), &p);

    Bytes content;
    if (!procuration.country.empty()) {
        content = der::concat(
            {content, der::tlv(der::tag::context(1), der::printable(procuration.country))});
    }
    if (!procuration.type_of_substitution.empty()) {
        content = der::concat(
            {content, der::tlv(der::tag::context(2), der::utf8(procuration.type_of_substitution))});
    }
    content = der::concat(
        {content, der::tlv(der::tag::context(3), der::tlv(der::tag::context(4), name))});
    return der::tlv(der::tag::sequence, content);
}

Procuration read_procuration(const Bytes& content) {
    Procuration out;
    der::Reader r(der::single(content, der::tag::sequence).content);
    if (r.peek_is(der::tag::context(1))) {
        out.country = der::string_text(der::single(r.next().content, der::tag::printable_string));
    }
    if (r.peek_is(der::tag::context(2))) {
        der::Reader inner(r.next().content);
        out.type_of_substitution = der::string_text(inner.next());
    }
    const auto signing_for = r.next(der::tag::context(3));
    const auto third_person = der::single(signing_for.content, der::tag::context(4));
    const unsigned char* p = third_person.content.data();
    ossl::X509NamePtr party(
        d2i_X509_NAME(nullptr, &p, static_cast<long>(third_person.content.size())));
    if (!party || !r.at_end()) {
        throw Error(errors::malformed_profile, "procuration");
    }
    out.signing_for = entry(party.get(), NID_organizationName);
    out.register_number = entry(party.get(), NID_serialNumber);
    return out;
}

void check(const HolderProfile& profile) {
    const bool names = !profile.given_name.empty() || !profile.surname.empty();
    if (profile.pseudonym ? (names || profile.pseudonym->empty())
                          : (profile.given_name.empty() || profile.surname.empty())) {
        throw Error(errors::invalid_profile, "either a pseudonym or given name and surname");
    }
    if (profile.serial_number.empty() || profile.country.size() != 2) {
        throw Error(errors::invalid_profile, "serialNumber and a two-letter country are required");
    }
}
}  // namespace

std::string HolderProfile::common_name() const {
    return pseudonym ? *pseudonym + std::string(pseudonym_suffix) : given_name + " " + surname;
}

ossl::X509NamePtr holder_subject(const HolderProfile& profile) {
    check(profile);
    ossl::X509NamePtr name(X509_NAME_new());
    add_entry(name.get(), NID_countryName, profile.country);
    if (profile.pseudonym) {
        add_entry(name.get(), NID_pseudonym, *profile.pseudonym);
    } else {
        add_entry(name.get(), NID_givenName, profile.given_name);
        add_entry(name.get(), NID_surname, profile.surname);
    }
    add_entry(name.get(), NID_serialNumber, profile.serial_number);
    add_entry(name.get(), NID_commonName, profile.common_name());
    return name;
}

std::vector<ossl::X509ExtensionPtr> attribute_extensions(const HolderProfile& profile) {
    std::vector<ossl::X509ExtensionPtr> out;
    if (profile.admission) {
        out.push_back(der_extension(oid::admission, admission_der(*profile.admission)));
    }
    if (profile.procuration) {
        out.push_back(der_extension(oid::procuration, procuration_der(*profile.procuration)));
    }
    if (profile.restriction) {
        out.push_back(der_extension(oid::restriction, der::utf8(*profile.restriction)));
    }
    if (profile.additional_information) {
        out.push_back(
            der_extension(oid::additional_information, der::utf8(*profile.additional_information)));
    }
    return out;
}

HolderProfile read_holder_profile(const X509* cert) {
    try {
        HolderProfile profile;
        const X509_NAME* subject = X509_get_subject_name(cert);
        profile.country = entry(subject, NID_countryName);
        profile.serial_number = entry(subject, NID_serialNumber);
        if (auto pseudonym = entry(subject, NID_pseudonym); !pseudonym.empty()) {
            profile.pseudonym = pseudonym;
        }
        profile.given_name = entry(subject, NID_givenName);
        profile.surname = entry(subject, NID_surname);
        if (entry(subject, NID_commonName) != profile.common_name()) {
            throw Error(errors::malformed_profile, "commonName does not match the names");
        }
        check(profile);
        if (auto adm = extension_der(cert, oid::admission)) {
            profile.admission = read_admission(*adm);
        }
        if (auto proc = extension_der(cert, oid::procuration)) {
            profile.procuration = read_procuration(*proc);
        }
        if (auto restriction = extension_der(cert, oid::restriction)) {
            profile.restriction =
                der::string_text(der::single(*restriction, der::tag::utf8_string));
        }
        if (auto info = extension_der(cert, oid::additional_information)) {
            profile.additional_information =
                der::string_text(der::single(*info, der::tag::utf8_string));
        }
        if (auto statements = read_qc_statements(cert)) {
            profile.limit_value = statements->limit_value;
        }
        return profile;
    } catch (const Error& e) {
        if (&e.code() == &errors::malformed_profile) {
            throw;
        }
        throw Error(errors::malformed_profile, std::string(e.id()) + ": " + e.detail());
    }
}

}  // namespace sigcard::pki
