// Signing requests the agent refuses before the holder sees anything: not signed by the
// portal, another document, expired, for another origin, replayed, malformed, a second one.
#include "agent/agent_test_support.hpp"
#include "encoding/encoding.hpp"

namespace sigcard::testing {
namespace {

class AgentSignRequestTest : public AgentTest {
protected:
    AgentSignRequestTest() { start_agent(Reader::without_pin_pad); }

    // The refusal left nothing behind: no request waits for the holder.
    void expect_nothing_open() {
        const auto status = nlohmann::json::parse(client_.get(url("/v1/status")).body);
        EXPECT_EQ(status["busy"], false);
    }
};

TEST_F(AgentSignRequestTest, AcceptedRequestAnswersIdAndConfirmUrl) {
    const auto response = post_sign(sign_body(document_));
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), portal_origin);
    const auto json = nlohmann::json::parse(response.body);
    const std::string id = json["request_id"];
    EXPECT_EQ(json["confirm_url"], url("/confirm/" + id));
    EXPECT_EQ(state(id)["state"], "pending");
}

TEST_F(AgentSignRequestTest, SignatureOfAnotherKeyRefused) {
    auto stranger = crypto::SoftwareSigner::generate_ec();
    const auto response = post_sign(sign_body(document_, {}, &stranger));
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.request_signature_invalid");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, TamperedPortalRequestRefused) {
    auto body = nlohmann::json::parse(sign_body(document_));
    auto text = body["portal_request"].get<std::string>();
    text.replace(text.find("expires_at\":") + 12, 1, "9");  // a later expiry, unsigned
    body["portal_request"] = text;
    const auto response = post_sign(body.dump());
    EXPECT_EQ(error_code(response), "agent.request_signature_invalid");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ChangedDocumentRefused) {
    auto body = nlohmann::json::parse(sign_body(document_));
    body["document_base64"] = encoding::to_base64(document_ + "Lieferadresse: anderswo\n");
    const auto response = post_sign(body.dump());
    EXPECT_EQ(response.status, 422);
    EXPECT_EQ(error_code(response), "agent.document_mismatch");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ExpiredRequestRefused) {
    PortalRequestFields expired;
    expired.issued_ago = std::chrono::seconds(300);
    expired.expires_in = std::chrono::seconds(120);
    const auto response = post_sign(sign_body(document_, expired));
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.request_expired");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, RequestFromTheFutureOrValidTooLongRefused) {
    PortalRequestFields future;
    future.issued_ago = std::chrono::seconds(-600);
    EXPECT_EQ(error_code(post_sign(sign_body(document_, future))), "agent.request_time_invalid");
    PortalRequestFields too_long;
    too_long.expires_in = std::chrono::hours(2);
    EXPECT_EQ(error_code(post_sign(sign_body(document_, too_long))), "agent.request_time_invalid");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, RequestSignedForAnotherOriginRefused) {
    // Both portals are allowlisted; a request signed for one does not serve a page of the other.
    PortalRequestFields other;
    other.origin = "https://other-portal.example";
    const auto response = post_sign(sign_body(document_, other));
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.origin_mismatch");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ForeignOriginCannotStartASignature) {
    const auto response = post_sign(sign_body(document_), "https://evil.example");
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.origin_refused");
    EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, FormPostCannotStartASignature) {
    const auto response =
        client_.post(url("/v1/sign"), sign_body(document_), "text/plain", from(portal_origin));
    EXPECT_EQ(response.status, 415);
    EXPECT_EQ(error_code(response), "agent.request_malformed");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, MalformedBodiesRefused) {
    for (const std::string& body : std::vector<std::string>{
             std::string("not json"), std::string("[]"), std::string(R"({"document_base64":"QQ=="})"),
             std::string(R"({"document_base64":"%%%","portal_request":"{}",)"
                         R"("portal_signature":"AA=="})")}) {
        const auto response = post_sign(body);
        EXPECT_EQ(response.status, 400) << body;
        EXPECT_EQ(error_code(response), "agent.request_malformed") << body;
    }
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, DocumentThatIsNotReadableTextRefused) {
    const std::string binary("PDF\x00\x01\x02", 6);
    EXPECT_EQ(error_code(post_sign(sign_body(binary))), "agent.document_not_text");
    // A right-to-left override could make the page show something other than what is signed.
    EXPECT_EQ(error_code(post_sign(sign_body("Betrag: \u202e001 EUR"))), "agent.document_not_text");
    // What a block-list missed: a right-to-left mark shows "10 – 20" as "20 – 10"; zero-width,
    // separators, tags, annotations, C1 and CR have no place in a document either.
    for (const char* hidden : {"\u200f", "\u200e", "\u061c", "\u200b", "\u2028", "\u2029",
                               "\U000e0041", "\ufffa", "\u009b", "\r"}) {
        EXPECT_EQ(error_code(post_sign(sign_body(std::string("Menge: 10 ") + hidden + "- 20"))),
                  "agent.document_not_text")
            << hidden;
    }
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ACertificateNoReaderHoldsIsRefusedBeforeAnyPin) {
    // The portal checked another card (the holder pulled it and put in this one).
    PortalRequestFields other_card;
    other_card.certificate_sha256 = std::string(64, 'a');
    const auto response = post_sign(sign_body(document_, other_card));
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(error_code(response), "card.checked_card_missing");
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ACertificateHashThatIsNoHashIsMalformed) {
    for (const std::string& hash : {std::string("abc"), std::string(64, 'G'),
                                   encoding::hex(ossl::random_bytes(32)) + "00"}) {
        PortalRequestFields fields;
        fields.certificate_sha256 = hash;
        const auto response = post_sign(sign_body(document_, fields));
        EXPECT_EQ(response.status, 400) << hash;
        EXPECT_EQ(error_code(response), "agent.request_malformed") << hash;
    }
    expect_nothing_open();
}

TEST_F(AgentSignRequestTest, ANewRequestFromTheSamePortalReplacesAnAbandonedOne) {
    // The holder closed the tab while the first request waited, and signs again at once.
    const auto first = open_request(document_);
    const auto second = open_request(document_);
    const auto abandoned = state(first);
    EXPECT_EQ(abandoned["state"], "refused");
    EXPECT_EQ(abandoned["error"]["code"], "agent.request_replaced");
    EXPECT_EQ(state(second)["state"], "pending");
    // The abandoned window can no longer sign, and says why.
    const auto page = confirmation_page(first).body;
    EXPECT_EQ(page.find("confirmation_token"), std::string::npos);
    EXPECT_NE(page.find("durch eine neuere ersetzt"), std::string::npos) << page;
}

TEST_F(AgentSignRequestTest, AnotherPortalCannotPushAsideAWaitingRequest) {
    const auto first = open_request(document_);
    PortalRequestFields other;
    other.origin = "https://other-portal.example";
    const auto response = post_sign(sign_body(document_, other), other.origin);
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(error_code(response), "agent.busy");
    EXPECT_EQ(state(first)["state"], "pending");
}

TEST_F(AgentSignRequestTest, ReplayedRequestRefused) {
    const auto body = sign_body(document_);
    const auto first = nlohmann::json::parse(post_sign(body).body)["request_id"].get<std::string>();
    // The portal withdraws it, which frees the agent; the same signed request still cannot
    // come back.
    const auto withdrawn = client_.post(url("/v1/sign/" + first + "/cancel"), "",
                                        "application/json", from(portal_origin));
    ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
    EXPECT_EQ(nlohmann::json::parse(withdrawn.body)["error"]["code"], "agent.cancelled_by_portal");
    const auto replay = post_sign(body);
    EXPECT_EQ(replay.status, 409);
    EXPECT_EQ(error_code(replay), "agent.request_replayed");
}

TEST_F(AgentSignRequestTest, AnotherPortalCannotReadTheRequest) {
    const auto id = open_request(document_);
    const auto response = get("/v1/sign/" + id, from("https://other-portal.example"));
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(error_code(response), "agent.request_not_found");
}

class AgentPinPadPolicyTest : public AgentTest {};

TEST_F(AgentPinPadPolicyTest, ReaderWithoutPinPadRefusedWhenPolicyRequiresOne) {
    start_agent(Reader::without_pin_pad, true);
    const auto response = post_sign(sign_body(document_));
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(error_code(response), "card.pin_pad_required");
    const auto message = nlohmann::json::parse(response.body)["error"]["message"];
    EXPECT_FALSE(message["de"].get<std::string>().empty());
    EXPECT_FALSE(message["en"].get<std::string>().empty());
}

}  // namespace
}  // namespace sigcard::testing
