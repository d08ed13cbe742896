// PostIdent results reaching the real portal and the real `sigcard`: the post office's push
// signed with the shared secret identifies an order whose values all match; a push without the
// signature or with a wrong one is refused before anything is read; a document that is not valid
// is answered with the field at fault and nothing stored; the same case again changes nothing.
// And `sigcard postident import` with a ZIP as the result portal delivers it.
#include "config/trust_center_config.hpp"
#include "integration/follow_up_api_support.hpp"
#include "portal/postident_push.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"
#include "support/zip_writer.hpp"

#include <gtest/gtest.h>

namespace sigcard::testing {
namespace {

class PostIdentPushTest : public FollowUpApiTest {
protected:
    // A new order placed through the API, as an applicant does: its number and reference.
    std::pair<std::string, std::string> place() {
        json body = valid_application();
        body["revocation_password"] = "Sperre-2026!";
        const auto answer = post("/api/v1/new-orders", body);
        EXPECT_EQ(answer.status, 201) << answer.raw;
        return {answer.body["order_number"].get<std::string>(),
                answer.body["postident_reference"].get<std::string>()};
    }
    json result_for(const std::string& reference) {
        const auto config = config::TrustCenterConfig::load(dir_);
        return FakePostOffice::success(reference, valid_application(),
                                       config.new_order.postident_billing_number);
    }
    ApiAnswer push(const std::string& body, const std::string& signature) {
        http::Headers headers;
        if (!signature.empty()) {
            headers.set("X-SigCard-Signature", signature);
        }
        return answer_of(client().post(portal_->base_url() + "/api/v1/postident/results", body,
                                       "application/json", headers));
    }
    ApiAnswer signed_push(const std::string& body) {
        return push(body, portal::push_signature(
                              config::TrustCenterConfig::load(dir_).postident.push_secret, body));
    }
    std::string state_of(const std::string& number) {
        std::string state;
        db_->with_session([&](soci::session& s) {
            s << "SELECT state FROM orders WHERE order_number = :n", soci::use(number),
                soci::into(state);
        });
        return state;
    }
    long long stored_results() {
        long long n = 0;
        db_->with_session(
            [&](soci::session& s) { s << "SELECT COUNT(*) FROM postident_results", soci::into(n); });
        return n;
    }
};

TEST_F(PostIdentPushTest, ASignedPushOfAMatchingResultIdentifiesTheOrderAndOnceIsEnough) {
    const auto [number, reference] = place();
    const auto body = result_for(reference).dump();
    const auto before = stored_results();
    const auto answer = signed_push(body);
    ASSERT_EQ(answer.status, 200) << answer.raw;
    EXPECT_EQ(answer.body["outcome"], "identified");
    EXPECT_EQ(answer.body["reference"], reference);
    EXPECT_EQ(state_of(number), "identified");
    EXPECT_EQ(stored_results(), before + 1);
    // Sent again (a retry, or a replay by someone who saw it): nothing changes.
    const auto again = signed_push(body);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body["outcome"], "duplicate");
    EXPECT_EQ(stored_results(), before + 1);
    // The order's status for the applicant.
    const auto status = get("/api/v1/orders/" + number + "?email=erika@example.org");
    EXPECT_EQ(status.body["state"], "identified");
}

TEST_F(PostIdentPushTest, APushWithoutOrWithAWrongSignatureIsRefusedAndNothingRead) {
    const auto [number, reference] = place();
    const auto body = result_for(reference).dump();
    const auto secret = config::TrustCenterConfig::load(dir_).postident.push_secret;
    const auto before = stored_results();
    const std::vector<std::string> wrong{
        "",                                                     // none
        portal::push_signature(secret, body + " "),             // another body
        portal::push_signature(std::string(64, 'a'), body),     // another secret
        portal::push_signature(secret, body).substr(0, 20),     // cut short
        "sha256=" + std::string(64, '0'),
    };
    for (const auto& signature : wrong) {
        const auto answer = push(body, signature);
        EXPECT_EQ(answer.status, 401) << signature;
        EXPECT_EQ(answer.body["error"]["code"], "postident.push_unauthorized") << signature;
    }
    EXPECT_EQ(stored_results(), before);
    EXPECT_EQ(state_of(number), "awaiting_identification");
}

TEST_F(PostIdentPushTest, AnInvalidDocumentIsAnsweredWithItsFieldAndNothingIsStored) {
    const auto [number, reference] = place();
    auto result = result_for(reference);
    result["identifications"][0]["identificationMethod"] = "telepathy";
    const auto before = stored_results();
    const auto answer = signed_push(result.dump());
    EXPECT_EQ(answer.status, 422) << answer.raw;
    EXPECT_EQ(answer.body["error"]["code"], "postident.malformed_result");
    EXPECT_EQ(answer.body["error"]["field"],
              "identifications[0].identificationMethod: unknown value");
    const auto not_json = signed_push("{\"caseId\":");
    EXPECT_EQ(not_json.status, 422);
    EXPECT_EQ(stored_results(), before);
    EXPECT_EQ(state_of(number), "awaiting_identification");
}

TEST_F(PostIdentPushTest, TheCommandImportsAZipFromTheResultPortalAndRefusesAnUnsafeOne) {
    const auto [first, first_reference] = place();
    const auto [second, second_reference] = place();
    auto changed = result_for(second_reference);
    changed["identifications"][0]["identificationDocument"]["birthPlace"] = {
        {"status", "change"}, {"value", "Bonn"}};
    const auto zip = tmp_->path() / "results.zip";
    std::ofstream(zip, std::ios::binary)
        << zip_of({{"a.json", result_for(first_reference).dump()}, {"b.json", changed.dump()}});
    const auto unsafe = tmp_->path() / "unsafe.zip";
    std::ofstream(unsafe, std::ios::binary)
        << zip_of({{"../a.json", result_for(first_reference).dump()}});
    const auto refused = sigcard("postident import --dir " + dir_.string() + " " + unsafe.string());
    EXPECT_EQ(refused.status, 2) << refused.output;
    EXPECT_NE(refused.output.find("postident.unsafe_archive"), std::string::npos) << refused.output;
    EXPECT_EQ(state_of(first), "awaiting_identification");

    const auto imported = sigcard("postident import --dir " + dir_.string() + " " + zip.string());
    ASSERT_EQ(imported.status, 0) << imported.output;
    EXPECT_NE(imported.output.find("results.zip/a.json"), std::string::npos) << imported.output;
    EXPECT_NE(imported.output.find("1 identified 1 in_review"), std::string::npos)
        << imported.output;
    EXPECT_EQ(state_of(first), "identified");
    EXPECT_EQ(state_of(second), "in_review");
    const auto review = sigcard("postident review --dir " + dir_.string());
    EXPECT_NE(review.output.find("order " + second), std::string::npos) << review.output;
    EXPECT_NE(review.output.find("person.birth_place"), std::string::npos) << review.output;
    EXPECT_NE(review.output.find("Bonn"), std::string::npos) << review.output;
    const auto decided =
        sigcard("postident decide --dir " + dir_.string() + " --order " + second + " identify");
    EXPECT_EQ(decided.status, 0) << decided.output;
    EXPECT_EQ(state_of(second), "identified");
}

}  // namespace
}  // namespace sigcard::testing
