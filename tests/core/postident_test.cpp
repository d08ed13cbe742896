// PostIdent results as the (FAKE) post office writes them: read whole or refused whole with the
// field named; assessed against the order — accepted only when everything matches, declined
// when the post office declined, and every other case to a person with both values side by side.
#include "common/clock.hpp"
#include "identification/postident_assessment.hpp"
#include "identification/postident_case.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"

#include <gtest/gtest.h>

namespace sigcard::identification {
namespace {

using nlohmann::json;
using testing::FakePostOffice;

const std::string kBilling = "99800000000101";

class PostIdentTest : public ::testing::Test {
protected:
    Assessment assessed(const json& result) {
        return assess(parse_postident_case(result.dump()), application,
                      {kBilling, 28, "2026-12-06"});
    }
    json& document(json& result, std::size_t i = 0) {
        return result["identifications"][i]["identificationDocument"];
    }
    static bool has(const Assessment& a, const std::string& reason) {
        return std::find(a.reasons.begin(), a.reasons.end(), reason) != a.reasons.end();
    }

    new_order::Application application = testing::valid_application();
    json result = FakePostOffice::success("SC7KQMX3PA2B", application, kBilling);
};

TEST_F(PostIdentTest, AResultIsReadWithEveryValueAndUnknownFieldsAreIgnored) {
    result["somethingNew"] = {{"x", 1}};
    document(result)["firstName"]["confidence"] = 0.98;
    const auto c = parse_postident_case(result.dump());
    EXPECT_EQ(c.case_id, "CASE-SC7KQMX3PA2B");
    EXPECT_EQ(c.case_status, "closed");
    EXPECT_EQ(c.reference_id, "SC7KQMX3PA2B");
    EXPECT_EQ(c.accounting_number, kBilling);
    ASSERT_EQ(c.identifications.size(), 1u);
    const auto& id = c.identifications.front();
    EXPECT_EQ(id.method, "basic");
    EXPECT_EQ(id.status, "success");
    ASSERT_TRUE(id.document);
    EXPECT_EQ(id.document->last_name.value, "Mustermann");
    EXPECT_EQ(id.document->last_name.status, "match");
    EXPECT_EQ(id.document->address.city.value, "Köln");
}

TEST_F(PostIdentTest, AMalformedResultIsRefusedWholeWithTheFieldNamed) {
    const auto refused = [](const std::string& text) -> std::string {
        try {
            parse_postident_case(text);
        } catch (const Error& e) {
            EXPECT_EQ(e.id(), "postident.malformed_result");
            return e.detail();
        }
        return "accepted";
    };
    EXPECT_EQ(refused("{not json"), "document: not a JSON object");
    EXPECT_EQ(refused("[]"), "document: not a JSON object");
    auto no_case = result;
    no_case.erase("caseId");
    EXPECT_EQ(refused(no_case.dump()), "caseId: missing");
    auto no_reference = result;
    no_reference["orderData"]["processData"].erase("referenceId");
    EXPECT_EQ(refused(no_reference.dump()), "orderData.processData.referenceId: missing");
    auto long_reference = result;
    long_reference["orderData"]["processData"]["referenceId"] = "SC7KQMX3PA2B-TOOLONG";
    EXPECT_EQ(refused(long_reference.dump()),
              "orderData.processData.referenceId: empty or longer than 14 characters");
    auto wrong_type = result;
    document(wrong_type)["lastName"]["value"] = 42;
    EXPECT_EQ(refused(wrong_type.dump()),
              "identifications[0].identificationDocument.lastName.value: not a string");
    auto unknown_status = result;
    unknown_status["identifications"][0]["identificationStatus"]["status"] = "maybe";
    EXPECT_EQ(refused(unknown_status.dump()),
              "identifications[0].identificationStatus.status: unknown value");
    auto unknown_value_status = result;
    document(unknown_value_status)["number"]["status"] = "probably";
    EXPECT_EQ(refused(unknown_value_status.dump()),
              "identifications[0].identificationDocument.number.status: unknown value");
}

TEST_F(PostIdentTest, EverythingMatchingIsAcceptedAlsoWithNamesWrittenDecomposed) {
    EXPECT_EQ(assessed(result).verdict, Verdict::accepted);
    // "Köln" and the names as another system writes them: o + U+0308, other spacing and case.
    document(result)["address"]["city"]["value"] = "Ko\u0308ln";
    document(result)["firstName"]["value"] = "ERIKA  MARIA";
    const auto a = assessed(result);
    EXPECT_EQ(a.verdict, Verdict::accepted) << ::testing::PrintToString(a.reasons);
}

TEST_F(PostIdentTest, AChangedValueGoesToAPersonWithBothValuesSideBySide) {
    document(result)["lastName"] = {{"status", "change"}, {"value", "Musterfrau"}};
    const auto a = assessed(result);
    EXPECT_EQ(a.verdict, Verdict::review);
    EXPECT_TRUE(has(a, "values_differ"));
    const auto surname = std::find_if(a.comparisons.begin(), a.comparisons.end(),
                                      [](const Comparison& c) { return c.field == "person.surname"; });
    ASSERT_NE(surname, a.comparisons.end());
    EXPECT_EQ(surname->ordered, "Mustermann");
    EXPECT_EQ(surname->identified, "Musterfrau");
    EXPECT_EQ(surname->status, "change");
    EXPECT_FALSE(surname->agrees);
    // "match" said, but not what was ordered: a person looks too.
    auto matched_other = FakePostOffice::success("SC7KQMX3PA2B", application, kBilling);
    document(matched_other)["birthDate"]["value"] = "1980-08-13";
    EXPECT_EQ(assessed(matched_other).verdict, Verdict::review);
    // A value the post office did not return at all.
    auto missing = FakePostOffice::success("SC7KQMX3PA2B", application, kBilling);
    document(missing).erase("number");
    EXPECT_TRUE(has(assessed(missing), "values_differ"));
}

TEST_F(PostIdentTest, AnotherBillingNumberFraudOrAConflictingResultGoToAPerson) {
    auto other_billing = result;
    other_billing["accountingData"]["accountingNumber"] = "99800000000999";
    EXPECT_TRUE(has(assessed(other_billing), "billing_number"));
    EXPECT_EQ(assessed(other_billing).verdict, Verdict::review);

    auto fraud = result;
    fraud["identifications"][0]["identificationStatus"]["subStatusReason"] = "suspected fraud";
    EXPECT_TRUE(has(assessed(fraud), "suspected_fraud"));

    auto conflicting = result;
    auto second = conflicting["identifications"][0];
    second["identificationDocument"]["number"]["value"] = "X99999999";
    conflicting["identifications"].push_back(second);
    EXPECT_TRUE(has(assessed(conflicting), "conflicting_results"));
    EXPECT_EQ(assessed(conflicting).verdict, Verdict::review);
}

TEST_F(PostIdentTest, DeclinedTellsTheReasonPendingReviewGoesToAPersonAndStartedWaits) {
    auto declined = result;
    declined["identifications"][0]["identificationStatus"] = {
        {"status", "declined"}, {"subStatusReason", "document not accepted"}};
    declined["identifications"][0].erase("identificationDocument");
    const auto d = assessed(declined);
    EXPECT_EQ(d.verdict, Verdict::declined);
    EXPECT_EQ(d.declined_reason, "document not accepted");

    auto pending = result;
    pending["identifications"][0]["identificationStatus"]["status"] = "review pending";
    EXPECT_EQ(assessed(pending).verdict, Verdict::review);

    for (const char* status : {"started", "coupon requested", "incomplete"}) {
        auto under_way = result;
        under_way["identifications"][0]["identificationStatus"]["status"] = status;
        EXPECT_EQ(assessed(under_way).verdict, Verdict::waiting) << status;
    }
    auto none = result;
    none["identifications"] = json::array();
    EXPECT_EQ(assessed(none).verdict, Verdict::waiting);
}

TEST_F(PostIdentTest, ADocumentThatExpiresTooSoonGoesToAPerson) {
    application.id_document.expires_on = "2026-12-20";  // 14 days after "today"
    result = FakePostOffice::success("SC7KQMX3PA2B", application, kBilling);
    const auto a = assessed(result);
    EXPECT_EQ(a.verdict, Verdict::review);
    EXPECT_TRUE(has(a, "id_expires_soon"));
}

TEST(PostIdentCountries, Alpha2CodesHaveTheirAlpha3) {
    EXPECT_EQ(alpha3_of("DE"), "DEU");
    EXPECT_EQ(alpha3_of("AT"), "AUT");
    EXPECT_EQ(alpha3_of("FR"), "FRA");
    EXPECT_EQ(alpha3_of("XX"), "");
    EXPECT_EQ(alpha3_of(""), "");
}

}  // namespace
}  // namespace sigcard::identification
