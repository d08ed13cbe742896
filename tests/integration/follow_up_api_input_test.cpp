// The follow-up order API refuses what it cannot read — broken JSON, wrong types, missing fields,
// bad base64, broken or oversized signatures, bodies over the limit — and invalid order data
// field by field; each with its own code and nothing stored.
#include "integration/follow_up_api_support.hpp"

#include <gmock/gmock.h>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

// The fields the answer names, with their codes.
std::map<std::string, std::string> field_codes(const ApiAnswer& a) {
    std::map<std::string, std::string> out;
    for (const auto& f : a.body["error"]["fields"]) {
        out[f["field"]] = f["code"];
        EXPECT_FALSE(f["message"]["de"].get<std::string>().empty());
        EXPECT_FALSE(f["message"]["en"].get<std::string>().empty());
    }
    return out;
}

TEST_F(FollowUpApiTest, ARevocationPasswordIsCheckedAndKeptOnlyAsItsHash) {
    const auto with_password = [this](const json& password) {
        return post("/api/v1/follow-up/drafts", json{{"certificate", certificate_base64("lawyer")},
                                                     {"order", valid_order()},
                                                     {"revocation_password", password}});
    };
    const auto before = counts();
    const auto short_one = with_password("kurz");
    EXPECT_EQ(short_one.status, 422) << short_one.raw;
    EXPECT_EQ(field_codes(short_one)["revocation.password"], "field.revocation_password_too_short");
    const auto not_text = with_password(12345678);
    EXPECT_EQ(not_text.status, 400) << not_text.raw;
    EXPECT_EQ(counts(), before);

    const auto accepted = with_password("Sperr-Kennwort 2026");
    ASSERT_EQ(accepted.status, 201) << accepted.raw;
    EXPECT_THAT(accepted.raw, ::testing::Not(HasSubstr("Sperr-Kennwort")));
    std::string hash;
    const std::string nonce = accepted.body["nonce"];
    db_->with_session([&](soci::session& s) {
        s << "SELECT revocation_password_hash FROM order_drafts WHERE nonce = :n", soci::use(nonce),
            soci::into(hash);
    });
    EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
}

TEST_F(FollowUpApiTest, MissingDeclarationIsRefusedForItsField) {
    auto order = valid_order();
    order["declaration"]["name_and_attributes_unchanged"] = false;
    const auto before = counts();
    const auto a = draft(certificate_base64("lawyer"), order);
    EXPECT_EQ(a.status, 422) << a.raw;
    EXPECT_EQ(a.error_code(), "order.invalid_input");
    EXPECT_EQ(field_codes(a),
              (std::map<std::string, std::string>{
                  {"declaration.name_and_attributes_unchanged", "order.declaration_missing"}}));
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, InvalidAddressPhoneAndEmailAreRefusedPerField) {
    auto order = valid_order("not-an-email");
    order["contact"]["phone"] = "12";
    order["shipping"]["postal_code"] = "1234";
    order["billing"]["city"] = "";
    const auto before = counts();
    const auto a = draft(certificate_base64("lawyer"), order);
    EXPECT_EQ(a.status, 422) << a.raw;
    EXPECT_EQ(a.error_code(), "order.invalid_input");
    EXPECT_EQ(field_codes(a), (std::map<std::string, std::string>{
                                  {"contact.email", "field.email_invalid"},
                                  {"contact.phone", "field.phone_invalid"},
                                  {"shipping.postal_code", "field.postal_code_invalid"},
                                  {"billing.city", "field.required"}}));
    // Each field named in the pages' and the terminal's words (orders/order_fields.hpp).
    for (const auto& f : a.body["error"]["fields"]) {
        if (f["field"] == "shipping.postal_code") {
            EXPECT_EQ(f["label"]["de"], "Versandadresse – Postleitzahl");
            EXPECT_EQ(f["label"]["en"], "Shipping address – Postcode");
        }
        if (f["field"] == "contact.email") {
            EXPECT_EQ(f["label"]["en"], "Email address");
        }
    }
    // Never the values themselves: they are the holder's personal data.
    EXPECT_THAT(a.raw, ::testing::Not(HasSubstr("not-an-email")));
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, UnreadableCharactersAreRefusedForTheirFieldBeforeAnyDocument) {
    // A right-to-left override in the city and a C1 control in the street: the agent would
    // refuse the document, so the portal refuses the fields, naming each.
    auto order = valid_order();
    order["shipping"]["city"] = "K\u00f6ln \u202e";
    order["shipping"]["street"] = "Heidestra\u00dfe\u0085 17";
    const auto before = counts();
    const auto a = draft(certificate_base64("lawyer"), order);
    EXPECT_EQ(a.status, 422) << a.raw;
    EXPECT_EQ(field_codes(a), (std::map<std::string, std::string>{
                                  {"shipping.city", "field.invalid_characters"},
                                  {"shipping.street", "field.invalid_characters"}}));
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, MalformedJsonIsRefused) {
    const auto before = counts();
    for (const std::string path : {"/api/v1/follow-up/eligibility", "/api/v1/follow-up/drafts",
                                   "/api/v1/follow-up/orders"}) {
        for (const std::string body : {"{\"certificate\": ", "[1,2]", "", "\"text\""}) {
            const auto a = post(path, body);
            EXPECT_EQ(a.status, 400) << path << " " << body << " " << a.raw;
            EXPECT_EQ(a.error_code(), "request.malformed") << path << " " << body;
        }
    }
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, BodyThatIsNotDeclaredJsonIsRefused) {
    const auto before = counts();
    const json body = {{"certificate", certificate_base64("lawyer")}};
    for (const std::string path : {"/api/v1/follow-up/eligibility", "/api/v1/follow-up/drafts",
                                   "/api/v1/follow-up/orders"}) {
        for (const std::string type : {"text/plain", "application/x-www-form-urlencoded"}) {
            const auto a = answer_of(client().post(portal_->base_url() + path, body.dump(), type));
            EXPECT_EQ(a.status, 415) << path << " " << type << " " << a.raw;
            EXPECT_EQ(a.error_code(), "request.unsupported_media_type");
        }
    }
    const auto with_charset =
        answer_of(client().post(portal_->base_url() + "/api/v1/follow-up/eligibility", body.dump(),
                                "application/json; charset=utf-8"));
    EXPECT_EQ(with_charset.status, 200) << with_charset.raw;
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, WrongTypesAndMissingFieldsNameTheField) {
    const auto certificate = certificate_base64("lawyer");
    const std::vector<std::pair<json, std::string>> cases = {
        {json{{"certificate", 42}}, "certificate"},
        {json{{"order", valid_order()}}, "certificate"},
        {json{{"certificate", certificate}}, "order"},
        {json{{"certificate", certificate}, {"order", "text"}}, "order"},
        {json{{"certificate", certificate}, {"order", {{"contact", {{"email", 5}}}}}}, "order"},
    };
    const auto before = counts();
    for (const auto& [body, field] : cases) {
        const auto a = post("/api/v1/follow-up/drafts", body);
        EXPECT_EQ(a.status, 400) << body.dump();
        EXPECT_EQ(a.error_code(), "request.malformed");
        EXPECT_EQ(a.body["error"].value("field", ""), field) << body.dump();
    }
    const auto missing = post("/api/v1/follow-up/orders", json{{"nonce", "x"}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.body["error"].value("field", ""), "signature_base64");
    // The document is optional, but when given it must be base64 like the rest.
    const auto bad_document = post("/api/v1/follow-up/orders",
                                   json{{"nonce", "x"}, {"document_base64", "%%%"},
                                        {"signature_base64", "QUJD"}});
    EXPECT_EQ(bad_document.status, 400);
    EXPECT_EQ(bad_document.body["error"].value("field", ""), "document_base64");
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, BadBase64IsRefused) {
    const auto before = counts();
    // Also the URL-safe alphabet and letters beyond ASCII.
    for (const std::string bad :
         {"not base64!", "QUJD=", "QU JD", "QUJD\n", "QU-D", "QU_D", "QU\xc3\xa4"}) {
        const auto a = eligibility(bad);
        EXPECT_EQ(a.status, 400) << bad << a.raw;
        EXPECT_EQ(a.error_code(), "request.malformed");
        EXPECT_EQ(a.body["error"].value("field", ""), "certificate");
    }
    EXPECT_EQ(counts(), before);
}

TEST_F(FollowUpApiTest, CertificateThatIsNoCertificateIsNotEligible) {
    const auto a = eligibility(base64(std::string("not a certificate")));
    ASSERT_EQ(a.status, 200) << a.raw;
    EXPECT_FALSE(a.body["eligible"].get<bool>());
    EXPECT_EQ(a.body["reason"]["code"], "eligibility.certificate_invalid");
}

TEST_F(FollowUpApiTest, MalformedCmsIsRefused) {
    const auto d = draft_for("lawyer");
    const auto before = counts();
    const ossl::Bytes garbage{'n', 'o', 't', ' ', 'c', 'm', 's'};
    expect_submission_refused(submit(d["nonce"], d["document"], garbage), 400,
                              "signature.malformed", before);
}

TEST_F(FollowUpApiTest, TruncatedCmsIsRefused) {
    const auto d = draft_for("lawyer");
    const std::string document = d["document"];
    auto cms = sign("lawyer", document);
    cms.resize(cms.size() / 2);
    const auto before = counts();
    expect_submission_refused(submit(d["nonce"], document, cms), 400, "signature.malformed",
                              before);
}

TEST_F(FollowUpApiTest, HugeCmsIsRefused) {
    const auto d = draft_for("lawyer");
    // A DER SEQUENCE header announcing 300 KiB, within the body limit but over the signature's.
    ossl::Bytes huge(300 * 1024, 0x00);
    huge[0] = 0x30;
    huge[1] = 0x83;
    huge[2] = 0x04;
    huge[3] = 0xaf;
    huge[4] = 0xfb;
    const auto before = counts();
    expect_submission_refused(submit(d["nonce"], d["document"], huge), 400, "signature.malformed",
                              before);
}

TEST_F(FollowUpApiTest, BodyOverTheLimitIsRefusedUnread) {
    const auto before = counts();
    const auto a = post("/api/v1/follow-up/orders", std::string(kBodyLimit + 1024, 'x'));
    EXPECT_EQ(a.status, 413) << a.raw;
    EXPECT_EQ(a.error_code(), "http.body_too_large");
    EXPECT_EQ(counts(), before);
}

}  // namespace
}  // namespace sigcard::testing
