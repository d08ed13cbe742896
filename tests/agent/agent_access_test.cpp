// Who may talk to the agent: status, cards and certificate for the allowlisted portal; foreign
// origins, rebound host names and foreign preflights refused without any CORS grant.
#include "agent/agent_test_support.hpp"
#include "encoding/encoding.hpp"

namespace sigcard::testing {
namespace {

class AgentAccessTest : public AgentTest {
protected:
    AgentAccessTest() { start_agent(Reader::without_pin_pad); }
};

TEST_F(AgentAccessTest, StatusNamesVersionAndReaderState) {
    const auto response = client_.get(url("/v1/status"));  // a help page may ask without Origin
    ASSERT_EQ(response.status, 200) << response.body;
    const auto json = nlohmann::json::parse(response.body);
    EXPECT_EQ(json["version"], agent::agent_version());
    EXPECT_EQ(json["reader"]["state"], "ready");
    EXPECT_EQ(json["reader"]["cards"], 1);
    EXPECT_EQ(json["busy"], false);
    EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
}

TEST_F(AgentAccessTest, CardsListedForThePortalWithExactCors) {
    const auto response = get("/v1/cards");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), portal_origin);
    EXPECT_EQ(response.headers.get("Vary"), "Origin");
    const auto cards = nlohmann::json::parse(response.body)["cards"];
    const auto card = std::find_if(cards.begin(), cards.end(),
                                   [](const auto& c) { return c["present"] == true; });
    ASSERT_NE(card, cards.end()) << cards.dump();
    EXPECT_EQ((*card)["label"], card_label);
    EXPECT_EQ((*card)["serial"], card_.token.serial);
    EXPECT_EQ((*card)["has_pin_pad"], false);
    // What the holder chooses by: the certificate's name, issuer and validity, and its hash,
    // which the portal's signing request names.
    const auto& certificate = (*card)["certificate"];
    EXPECT_EQ(certificate["holder_name"], std::string("Erika Mustermann ") + card_label);
    EXPECT_EQ(certificate["sha256"], certificate_sha256(card_.certificate.get()));
    EXPECT_GT(certificate["not_after"].get<std::int64_t>(),
              certificate["not_before"].get<std::int64_t>());
}

TEST_F(AgentAccessTest, ACardPutInWhileTheAgentRunsIsListed) {
    const auto present = [this] {
        const auto cards = nlohmann::json::parse(get("/v1/cards").body)["cards"];
        std::vector<std::string> labels;
        for (const auto& card : cards) {
            if (card["present"] == true) {
                labels.push_back(card["label"]);
            }
        }
        return labels;
    };
    EXPECT_EQ(present(), std::vector<std::string>{card_label});
    // Another program (here SoftHSM2's own tool) makes a new card in the store meanwhile.
    ASSERT_EQ(std::system("softhsm2-util --init-token --free --label 'Second card' --so-pin 87654321 "
                          "--pin 123456 >/dev/null"),
              0);
    const auto now = present();
    EXPECT_EQ(now.size(), 2u);
    EXPECT_NE(std::find(now.begin(), now.end(), "Second card"), now.end());
    // A card without a qualified certificate is listed with the reason, never as choosable.
    const auto cards = nlohmann::json::parse(get("/v1/cards").body)["cards"];
    for (const auto& card : cards) {
        if (card["label"] == "Second card") {
            EXPECT_FALSE(card.contains("certificate"));
            EXPECT_EQ(card["problem"]["code"], "card.no_qualified_certificate");
        }
    }
}

TEST_F(AgentAccessTest, CertificateIsTheCardsQualifiedOne) {
    const auto response = get("/v1/certificate?token=Holder%20card");
    ASSERT_EQ(response.status, 200) << response.body;
    const auto der =
        encoding::from_base64(nlohmann::json::parse(response.body)["certificate_base64"]);
    const auto expected = ossl::to_der(card_.certificate.get());
    EXPECT_EQ(der, std::string(expected.begin(), expected.end()));
}

TEST_F(AgentAccessTest, CertificateOfUnknownCard) {
    const auto response = get("/v1/certificate?token=Nobody");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(error_code(response), "card.token_not_found");
}

TEST_F(AgentAccessTest, ForeignOriginRefusedWithoutCors) {
    for (const char* path : {"/v1/status", "/v1/cards", "/v1/certificate?token=Holder%20card"}) {
        const auto response = get(path, from("https://evil.example"));
        EXPECT_EQ(response.status, 403) << path;
        EXPECT_EQ(error_code(response), "agent.origin_refused");
        EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
    }
}

TEST_F(AgentAccessTest, LookAlikeOriginsRefused) {
    for (const char* origin :
         {"https://localhost:8443/", "https://LOCALHOST:8443", "http://localhost:8443",
          "https://localhost:8443.evil.example", "null", "*"}) {
        const auto response = get("/v1/cards", from(origin));
        EXPECT_EQ(response.status, 403) << origin;
        EXPECT_EQ(error_code(response), "agent.origin_refused") << origin;
        EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin")) << origin;
    }
}

TEST_F(AgentAccessTest, MissingOriginRefusedForCardData) {
    const auto response = client_.get(url("/v1/cards"));
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.origin_refused");
}

TEST_F(AgentAccessTest, HostThatIsNotLoopbackRefused) {
    const std::string port = std::to_string(agent_->port());
    for (const std::string& host : std::vector<std::string>{
             "evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:1",
             "localhost.evil.example:" + port, "127.0.0.2:" + port}) {
        auto headers = from(portal_origin);
        headers.set("Host", host);
        for (const char* path : {"/v1/status", "/v1/cards", "/nothing-here"}) {
            const auto response = get(path, headers);
            EXPECT_EQ(response.status, 421) << host << path;
            EXPECT_EQ(error_code(response), "agent.host_refused") << host << path;
            EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
        }
    }
}

TEST_F(AgentAccessTest, LoopbackHostNamesAccepted) {
    const std::string port = std::to_string(agent_->port());
    for (const std::string& host :
         std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}) {
        auto headers = from(portal_origin);
        headers.set("Host", host);
        EXPECT_EQ(get("/v1/cards", headers).status, 200) << host;
    }
}

TEST_F(AgentAccessTest, PreflightGrantsPrivateNetworkAccessToThePortal) {
    auto headers = from(portal_origin);
    headers.set("Access-Control-Request-Method", "POST");
    headers.set("Access-Control-Request-Headers", "content-type");
    headers.set("Access-Control-Request-Private-Network", "true");
    const auto response = client_.send("OPTIONS", url("/v1/sign"), "", headers);
    EXPECT_EQ(response.status, 204) << response.body;
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), portal_origin);
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Private-Network"), "true");
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Methods"), "GET, POST");
    EXPECT_EQ(response.headers.get("Access-Control-Allow-Headers"), "Content-Type");
    EXPECT_EQ(response.headers.get("Vary"), "Origin");
}

TEST_F(AgentAccessTest, PreflightWithoutPrivateNetworkRequestGetsNoSuchGrant) {
    auto headers = from(portal_origin);
    headers.set("Access-Control-Request-Method", "GET");
    const auto response = client_.send("OPTIONS", url("/v1/cards"), "", headers);
    EXPECT_EQ(response.status, 204);
    EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Private-Network"));
}

TEST_F(AgentAccessTest, PreflightFromForeignOriginRefused) {
    auto headers = from("https://evil.example");
    headers.set("Access-Control-Request-Method", "POST");
    headers.set("Access-Control-Request-Private-Network", "true");
    const auto response = client_.send("OPTIONS", url("/v1/sign"), "", headers);
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(error_code(response), "agent.origin_refused");
    EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
    EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Private-Network"));
}

TEST_F(AgentAccessTest, PreflightForOtherMethodsOrHeadersRefused) {
    auto headers = from(portal_origin);
    headers.set("Access-Control-Request-Method", "DELETE");
    EXPECT_EQ(client_.send("OPTIONS", url("/v1/sign"), "", headers).status, 403);
    headers.set("Access-Control-Request-Method", "POST");
    headers.set("Access-Control-Request-Headers", "content-type, x-pin");
    EXPECT_EQ(client_.send("OPTIONS", url("/v1/sign"), "", headers).status, 403);
}

TEST_F(AgentAccessTest, OversizedBodyRefused) {
    const auto response = post_sign(std::string(300 * 1024, 'x'));
    EXPECT_EQ(response.status, 413);
}

}  // namespace
}  // namespace sigcard::testing
