// The qualified profile: every subject form, attribute and qcStatement goes into a certificate
// and comes back as exactly the same value.
#include "pki/pki_errors.hpp"
#include "pki/qc_statements.hpp"
#include "pki/qualified_profile.hpp"
#include "pki_fixture.hpp"

#include <gtest/gtest.h>

namespace sigcard::pki {
namespace {

using testing::TrustCenter;

class QualifiedProfile : public ::testing::Test {
protected:
    HolderProfile round_trip(const HolderProfile& profile) {
        auto cert = tc.issue(profile);
        return read_holder_profile(cert.get());
    }
    TrustCenter tc;
};

TEST_F(QualifiedProfile, RealNameSubjectRoundTripsWithUmlauts) {
    HolderProfile p;
    p.given_name = "Zoë";
    p.surname = "Größmann";
    p.serial_number = "SC-000123";
    p.country = "DE";
    auto cert = tc.issue(p);
    EXPECT_EQ(read_holder_profile(cert.get()), p);
    char cn[64];
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "Zoë Größmann");
}

TEST_F(QualifiedProfile, PseudonymCarriesSuffixAndNoRealName) {
    HolderProfile p;
    p.pseudonym = "Sonnenblume";
    p.serial_number = "SC-000124";
    p.country = "DE";
    auto cert = tc.issue(p);
    const X509_NAME* subject = X509_get_subject_name(cert.get());
    EXPECT_LT(X509_NAME_get_index_by_NID(subject, NID_givenName, -1), 0);
    EXPECT_LT(X509_NAME_get_index_by_NID(subject, NID_surname, -1), 0);
    char cn[64];
    X509_NAME_get_text_by_NID(subject, NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "Sonnenblume:PN");
    EXPECT_EQ(read_holder_profile(cert.get()), p);
}

TEST_F(QualifiedProfile, PseudonymWithRealNameIsRefused) {
    HolderProfile p;
    p.pseudonym = "Sonnenblume";
    p.given_name = "Anna";
    p.serial_number = "SC-1";
    p.country = "DE";
    try {
        tc.issue(p);
        FAIL() << "issued";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "pki.invalid_profile");
    }
}

TEST_F(QualifiedProfile, AdmissionOfEachProfessionRoundTrips) {
    const std::vector<Admission> admissions = {
        {"Rechtsanwaltskammer Köln",
         {{{"Rechtsanwältin"}, {oid::profession_rechtsanwalt}, "RAK-K-1234"}}},
        {"Ärztekammer Nordrhein", {{{"Ärztin"}, {oid::profession_physician}, "AEK-NO-555"}}},
        {"Steuerberaterkammer München", {{{"Steuerberater"}, {oid::profession_steuerberater}, ""}}},
        {"Notarkammer Berlin",
         {{{"Notar"}, {oid::profession_notar}, "NK 77"}, {{"Rechtsanwalt"}, {}, ""}}},
    };
    for (const auto& admission : admissions) {
        HolderProfile p = testing::lawyer();
        p.admission = admission;
        EXPECT_EQ(round_trip(p), p) << admission.authority;
    }
}

TEST_F(QualifiedProfile, ProcurationRestrictionAdditionalInformationAndLimitRoundTrip) {
    HolderProfile p = testing::lawyer();
    p.admission.reset();
    p.procuration = Procuration{"DE", "Geschäftsführer", "Müller & Söhne GmbH", "HRB 12345 B"};
    p.restriction = "Nur für Angebote bis 10.000 EUR gültig.";
    p.additional_information = "Vertretungsberechtigt gemäß Handelsregister Köln.";
    p.limit_value = MonetaryLimit{"EUR", 10000, 0};
    EXPECT_EQ(round_trip(p), p);

    p.procuration = Procuration{"", "", "Stadtwerke Nord AG", ""};  // only the mandatory part
    EXPECT_EQ(round_trip(p), p);
}

TEST_F(QualifiedProfile, QcStatementsCarryEveryQualifiedStatement) {
    HolderProfile p = testing::lawyer();
    p.limit_value = MonetaryLimit{"EUR", 25, 3};
    auto cert = tc.issue(p);
    auto statements = read_qc_statements(cert.get());
    ASSERT_TRUE(statements);
    EXPECT_TRUE(statements->compliance);
    EXPECT_TRUE(statements->sscd);
    EXPECT_EQ(statements->types, std::vector<std::string>{"0.4.0.1862.1.6.1"});
    ASSERT_EQ(statements->pds.size(), 2u);
    EXPECT_EQ(statements->pds[0], (PdsLocation{"https://trust.example/pds/en.pdf", "en"}));
    EXPECT_EQ(statements->pds[1], (PdsLocation{"https://trust.example/pds/de.pdf", "de"}));
    EXPECT_EQ(statements->semantics_identifier, std::optional<std::string>("0.4.0.194121.1.1"));
    EXPECT_EQ(statements->limit_value, (MonetaryLimit{"EUR", 25, 3}));
    EXPECT_EQ(*statements, qualified_esign_statements("https://trust.example/pds/en.pdf",
                                                      "https://trust.example/pds/de.pdf",
                                                      MonetaryLimit{"EUR", 25, 3}));
}

TEST_F(QualifiedProfile, NonPrintableRegistrationNumberIsRefused) {
    HolderProfile p = testing::lawyer();
    p.admission->professions[0].registration_number = "Köln-1";
    try {
        tc.issue(p);
        FAIL() << "issued";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "pki.invalid_profile");
    }
}

TEST_F(QualifiedProfile, BrokenAttributeIsReportedNotCrashed) {
    // A certificate whose restriction is a truncated UTF8String.
    auto cert = tc.issue();
    auto tbs = ossl::x509_from_der(ossl::to_der(cert.get()));
    auto ext = der_extension(oid::restriction, ossl::Bytes{0x0c, 0x05, 'a'});
    X509_add_ext(tbs.get(), ext.get(), -1);
    try {
        read_holder_profile(tbs.get());
        FAIL() << "read";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "pki.malformed_profile");
    }
}

}  // namespace
}  // namespace sigcard::pki
