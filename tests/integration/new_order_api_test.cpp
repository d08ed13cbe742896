// The new order through the real portal's JSON API: an application with a proof becomes an order
// awaiting identification with its PostIdent reference and document links; the links need the
// order's key; a resent request with the same Idempotency-Key is the same order; bad input is
// answered with every field and its code, and nothing is stored.
#include "integration/follow_up_api_support.hpp"
#include "support/new_order_application.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

class NewOrderApiTest : public FollowUpApiTest {
protected:
    static json application() {
        json body = valid_application();
        body["revocation_password"] = "Sperre-2026!";
        return body;
    }

    ApiAnswer apply(const json& body, const std::string& idempotency_key = {}) {
        http::Headers headers;
        if (!idempotency_key.empty()) {
            headers.set("Idempotency-Key", idempotency_key);
        }
        return answer_of(client().post(portal_->base_url() + "/api/v1/new-orders", body.dump(),
                                       "application/json", headers));
    }

    long long new_orders() {
        long long n = 0;
        db_->with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM orders WHERE kind = 'new'", soci::into(n);
        });
        return n;
    }

    // A document link from an answer, as a path under the portal.
    std::string path_of(const std::string& url) {
        return url.substr(url.find("/api/v1/"));
    }
};

TEST_F(NewOrderApiTest, AnApplicationWithAProofIsAnOrderWithReferenceDeadlineAndDocuments) {
    auto body = application();
    body["certificate"]["profession"] = {
        {"title", "Rechtsanwältin"},
        {"chamber", "Rechtsanwaltskammer Köln"},
        {"proof", {{"file_base64", base64(plain_pdf())}}}};
    const auto before = new_orders();
    const auto answer = apply(body);
    ASSERT_EQ(answer.status, 201) << answer.raw;
    const auto number = answer.body["order_number"].get<std::string>();
    EXPECT_TRUE(number.starts_with("NA-"));
    EXPECT_EQ(answer.body["postident_reference"].get<std::string>().size(), 12u);
    EXPECT_EQ(answer.body["state"], "awaiting_identification");
    EXPECT_FALSE(answer.body["deadline"].get<std::string>().empty());
    EXPECT_EQ(new_orders(), before + 1);

    // The three documents, through the links of the answer.
    for (const std::string name : {"order-form", "postident-coupon", "description"}) {
        const auto link = answer.body["documents"][name].get<std::string>();
        const auto pdf = client().get(portal_->base_url() + path_of(link));
        EXPECT_EQ(pdf.status, 200) << name;
        EXPECT_TRUE(pdf.body.starts_with("%PDF-")) << name;
        EXPECT_EQ(pdf.headers.get("Cache-Control"), "no-store") << name;
    }
    // The status as for every order, with the applicant's email.
    const auto status = get("/api/v1/orders/" + number + "?email=erika@example.org");
    EXPECT_EQ(status.status, 200) << status.raw;
    EXPECT_EQ(status.body["state"], "awaiting_identification");
}

TEST_F(NewOrderApiTest, DocumentLinksWithoutTheRightKeyAreNotFound) {
    const auto answer = apply(application());
    ASSERT_EQ(answer.status, 201) << answer.raw;
    const auto number = answer.body["order_number"].get<std::string>();
    const auto link = path_of(answer.body["documents"]["order-form"].get<std::string>());
    const auto base = "/api/v1/new-orders/" + number + "/order-form.pdf";
    for (const std::string& wrong : std::vector<std::string>
         {base, base + "?key=", base + "?key=" + std::string(32, '0'),
          "/api/v1/new-orders/NA-2026-AAAA-BBBB/order-form.pdf" + link.substr(link.find('?')),
          "/api/v1/new-orders/" + number + "/secret.pdf" + link.substr(link.find('?'))}) {
        const auto got = get(wrong);
        EXPECT_EQ(got.status, 404) << wrong;
        EXPECT_EQ(got.error_code(), "new_order.document_link_invalid") << wrong;
    }
    EXPECT_EQ(client().get(portal_->base_url() + link).status, 200);
}

TEST_F(NewOrderApiTest, TheSameIdempotencyKeyTwiceIsOneOrder) {
    const auto before = new_orders();
    const auto first = apply(application(), "retry-4711");
    const auto again = apply(application(), "retry-4711");
    ASSERT_EQ(first.status, 201) << first.raw;
    EXPECT_EQ(again.status, 200) << again.raw;
    EXPECT_EQ(again.body["order_number"], first.body["order_number"]);
    EXPECT_EQ(again.body["already_submitted"], true);
    EXPECT_EQ(new_orders(), before + 1);
}

TEST_F(NewOrderApiTest, BadInputNamesEveryFieldWithItsCodeAndStoresNothing) {
    auto body = application();
    body["person"]["birth_date"] = "2015-01-01";             // under age
    body["id_document"]["expires_on"] = "2020-01-01";        // expired
    body["person"]["surname"] = "Muster\u202Emann";          // direction override
    body["certificate"]["profession"] = {{"title", "Notar"},
                                         {"chamber", "Notarkammer"},
                                         {"proof", {{"file_base64", base64("just text")}}}};
    body.erase("revocation_password");
    const auto before = new_orders();
    const auto answer = apply(body);
    ASSERT_EQ(answer.status, 422) << answer.raw;
    EXPECT_EQ(answer.error_code(), "order.invalid_input");
    std::map<std::string, std::string> fields;
    for (const auto& f : answer.body["error"]["fields"]) {
        fields[f["field"]] = f["code"];
        EXPECT_TRUE(f.contains("label")) << f.dump();
        EXPECT_TRUE(f["message"].contains("de") || f["message"].is_string()) << f.dump();
    }
    EXPECT_EQ(fields["person.birth_date"], "new_order.under_age");
    EXPECT_EQ(fields["id_document.expires_on"], "new_order.id_expired");
    EXPECT_EQ(fields["person.surname"], "field.invalid_characters");
    EXPECT_EQ(fields["certificate.profession.proof"], "new_order.proof_type");
    EXPECT_EQ(fields["revocation.password"], "field.required");
    EXPECT_EQ(new_orders(), before);
    // Not JSON, or a field of the wrong type: refused before anything is looked at.
    EXPECT_EQ(answer_of(client().post(portal_->base_url() + "/api/v1/new-orders", "x=1",
                                      "application/x-www-form-urlencoded"))
                  .status,
              415);
    auto wrong_type = application();
    wrong_type["person"]["surname"] = 42;
    const auto malformed = apply(wrong_type);
    EXPECT_EQ(malformed.status, 400) << malformed.raw;
    EXPECT_EQ(new_orders(), before);
}

TEST_F(NewOrderApiTest, AnApplicationOverTheSizeLimitIsRefusedWhole) {
    const auto before = new_orders();
    auto body = application();
    // Four proofs of 5 MB each: more than max_application_bytes (12 MB) in base64.
    for (const char* attribute : {"profession", "procuration", "monetary_limit", "restriction"}) {
        body["certificate"][attribute] = {
            {"proof", {{"file_base64", base64(std::string(5 * 1024 * 1024, 'x'))}}}};
    }
    const auto api = apply(body);
    EXPECT_EQ(api.status, 413) << api.raw.substr(0, 200);
    // The page's form, the same: refused before it is read, nothing stored.
    const auto form = client().post(portal_->base_url() + "/neuauftrag",
                                    std::string(13 * 1024 * 1024, 'x'),
                                    "multipart/form-data; boundary=x");
    EXPECT_EQ(form.status, 413);
    // Other paths keep their small limit.
    const auto other = client().post(portal_->base_url() + "/api/v1/follow-up/eligibility",
                                     std::string(2 * 1024 * 1024, 'x'), "application/json");
    EXPECT_EQ(other.status, 413);
    EXPECT_EQ(new_orders(), before);
}

// The applicant's personal data never reaches the portal's log: checked here against the
// requests of this test, and by ctest once more after every test of this suite in one process,
// so against one portal (tests/CMakeLists.txt: integration_portal_log_after_every_application).
TEST_F(NewOrderApiTest, PortalLogHoldsNoApplicantsData) {
    auto body = application();
    body["person"]["surname"] = "Logprobe";
    body["person"]["birth_date"] = "2015-01-01";  // refused: under age
    EXPECT_EQ(apply(body).status, 422);
    const auto accepted = apply(application(), "log-probe-key");
    EXPECT_EQ(accepted.status, 201) << accepted.raw;
    const auto log = portal_->log_with("http POST /api/v1/new-orders 201 ");
    EXPECT_THAT(log, HasSubstr("http POST /api/v1/new-orders 422 "));
    EXPECT_THAT(log, HasSubstr("http POST /api/v1/new-orders 201 "));
    if (std::getenv("SIGCARD_LOG_AFTER_EVERY_INPUT") != nullptr) {
        EXPECT_THAT(log, HasSubstr("http POST /api/v1/new-orders 415 "));
        EXPECT_THAT(log, HasSubstr(" 413 "));
    }
    for (const std::string personal :
         {"Logprobe", "Mustermann", "Erika", "Gabler", "1980-08-12", "L01X00T47", "Heidestraße",
          "erika@example.org", "1234567", "Sperre-2026!", "Muster"}) {
        EXPECT_THAT(log, ::testing::Not(HasSubstr(personal))) << personal;
    }
}

}  // namespace
}  // namespace sigcard::testing
