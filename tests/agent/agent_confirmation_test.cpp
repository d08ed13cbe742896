// The holder's side: the agent's own confirmation page, the PIN typed there or on the (FAKE)
// PIN pad, the signature that results, and every way the card or the holder can say no.
#include "agent/agent_test_support.hpp"
#include "encoding/encoding.hpp"
#include "signature/cades.hpp"

namespace sigcard::testing {
namespace {

std::string pin_form(const std::string& token, std::string_view pin) {
    return fmt::format("confirmation_token={}&action=sign&pin={}", token, pin);
}

class AgentConfirmationTest : public AgentTest {
protected:
    AgentConfirmationTest() { start_agent(Reader::without_pin_pad); }

    void expect_signed_by_the_card(const std::string& id) {
        const auto json = state(id);
        ASSERT_EQ(json["state"], "signed") << json.dump();
        const auto cms = encoding::from_base64(json["signature_base64"]);
        const auto verified =
            signature::verify_cades(ossl::as_bytes(document_), ossl::as_bytes(cms));
        EXPECT_EQ(X509_cmp(verified.signer_certificate.get(), card_.certificate.get()), 0);
    }
};

TEST_F(AgentConfirmationTest, PageShowsOriginDocumentCardAndPinField) {
    const auto id = open_request(document_);
    const auto page = confirmation_page(id);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.content_type(), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<p class=\"origin\" id=\"origin\">https://localhost:8443</p>"),
              std::string::npos);
    // The whole document, escaped: the portal cannot inject markup into the agent's page.
    EXPECT_NE(page.body.find("Erika Mustermann &lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(page.body.find("<b>&</b>"), std::string::npos);
    EXPECT_NE(page.body.find("Ich bestätige, dass sich mein Name nicht geändert hat."),
              std::string::npos);
    EXPECT_NE(page.body.find(card_label), std::string::npos);
    EXPECT_NE(page.body.find("<label for=\"pin\">"), std::string::npos);
    EXPECT_NE(page.body.find("type=\"password\" id=\"pin\" name=\"pin\""), std::string::npos);
    EXPECT_NE(page.body.find("Abbrechen"), std::string::npos);
    EXPECT_NE(page.body.find("Cancel"), std::string::npos);
    EXPECT_EQ(page.body.find("am Kartenleser ein"), std::string::npos);

    const auto csp = page.headers.get("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("form-action 'self'"), std::string::npos) << csp;
    EXPECT_EQ(page.headers.get("X-Frame-Options"), "DENY");
    // The page's own form post must carry its real Origin, which no-referrer would turn to null.
    EXPECT_EQ(page.headers.get("Referrer-Policy"), "same-origin");
    EXPECT_FALSE(page.headers.contains("Access-Control-Allow-Origin"));
    EXPECT_EQ(confirmation_token(page.body).size(), 64u);
}

TEST_F(AgentConfirmationTest, PageCannotBeFetchedByAnotherSitesScriptOrFramed) {
    const auto id = open_request(document_);
    auto headers = from(portal_origin);
    headers.set("Sec-Fetch-Mode", "cors");
    const auto fetched = client_.get(url("/confirm/" + id), headers);
    EXPECT_EQ(fetched.status, 403);
    EXPECT_EQ(fetched.body.find("confirmation_token"), std::string::npos);
    http::Headers framed;
    framed.set("Sec-Fetch-Mode", "navigate");
    framed.set("Sec-Fetch-Dest", "iframe");
    EXPECT_EQ(client_.get(url("/confirm/" + id), framed).status, 403);
}

// Each attempt opens a new agent window: an older window learns that a newer request of the same
// portal superseded its own, and closes itself (its script, allowed by hash); it asks only
// about its own request, and no other site may ask.
TEST_F(AgentConfirmationTest, AnOlderWindowLearnsThatANewerRequestSupersededIt) {
    const auto first = open_request(document_);
    const auto page = confirmation_page(first);
    EXPECT_NE(page.body.find("data-request=\"" + first + "\""), std::string::npos);
    EXPECT_NE(page.body.find("<link rel=\"icon\" href=\"data:,\">"), std::string::npos);
    const auto csp = page.headers.get("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'sha256-"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("img-src data:"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;

    http::Headers own_fetch;
    own_fetch.set("Sec-Fetch-Site", "same-origin");
    own_fetch.set("Sec-Fetch-Mode", "cors");
    const auto state = [&](const std::string& id) {
        const auto answer = client_.get(url("/confirm/" + id + "/state"), own_fetch);
        EXPECT_EQ(answer.headers.get("Cache-Control"), "no-store");
        return std::pair{answer.status, nlohmann::json::parse(answer.body, nullptr, false)};
    };
    EXPECT_EQ(state(first).first, 200);
    EXPECT_EQ(state(first).second["superseded"], false);

    const auto second = open_request(document_);
    EXPECT_EQ(state(first).second["superseded"], true);
    EXPECT_EQ(state(second).second["superseded"], false);
    // The older page itself says so (its request was pending: refused as replaced).
    EXPECT_NE(confirmation_page(first).body.find("agent.request_replaced"), std::string::npos);

    // No other site learns anything about a request.
    auto foreign = from(portal_origin);
    foreign.set("Sec-Fetch-Site", "cross-site");
    EXPECT_EQ(client_.get(url("/confirm/" + second + "/state"), foreign).status, 403);
    EXPECT_EQ(state(std::string(32, 'a')).first, 404);
}

TEST_F(AgentConfirmationTest, WholeFlowSignsTheDocumentWithTheCard) {
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    const auto confirmed = confirm(id, pin_form(token, user_pin.view()));
    EXPECT_EQ(confirmed.status, 303) << confirmed.body;
    EXPECT_EQ(confirmed.headers.get("Location"), "/confirm/" + id);
    expect_signed_by_the_card(id);
    const auto page = confirmation_page(id);
    EXPECT_NE(page.body.find("Das Dokument wurde signiert."), std::string::npos);
    EXPECT_EQ(page.body.find("confirmation_token"), std::string::npos);
    // Done: the agent takes the next request.
    EXPECT_EQ(post_sign(sign_body(document_)).status, 201);
}

TEST_F(AgentConfirmationTest, WrongPinThenRightPin) {
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    const auto wrong = confirm(id, pin_form(token, "999999"));
    EXPECT_EQ(wrong.status, 422);
    EXPECT_NE(wrong.body.find("Die PIN ist falsch."), std::string::npos) << wrong.body;
    EXPECT_NE(wrong.body.find("The PIN is wrong."), std::string::npos);
    EXPECT_NE(wrong.body.find("name=\"pin\""), std::string::npos);  // asks again
    EXPECT_EQ(state(id)["state"], "pending");
    EXPECT_EQ(confirm(id, pin_form(token, user_pin.view())).status, 303);
    expect_signed_by_the_card(id);
}

TEST_F(AgentConfirmationTest, EmptyPinAsksAgain) {
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    const auto response = confirm(id, pin_form(token, ""));
    EXPECT_EQ(response.status, 422);
    EXPECT_NE(response.body.find("Bitte geben Sie Ihre PIN ein."), std::string::npos);
    EXPECT_EQ(state(id)["state"], "pending");
}

TEST_F(AgentConfirmationTest, ConfirmWithoutOrWithWrongTokenRefused) {
    const auto id = open_request(document_);
    for (const std::string& form :
         std::vector<std::string>{fmt::format("action=sign&pin={}", user_pin.view()),
                                  pin_form(std::string(64, '0'), user_pin.view())}) {
        const auto response = confirm(id, form);
        EXPECT_EQ(response.status, 403);
        EXPECT_EQ(error_code(response), "agent.confirmation_refused");
    }
    EXPECT_EQ(state(id)["state"], "pending");
}

TEST_F(AgentConfirmationTest, ConfirmFromAnyOtherPageRefused) {
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    // Even with the right token (which no other page can read): the portal, another site, a
    // sandboxed frame ("null"), or a cross-site post that Fetch Metadata gives away.
    for (const char* origin : {portal_origin.c_str(), "https://evil.example", "null"}) {
        const auto response = client_.post(url("/confirm/" + id), pin_form(token, user_pin.view()),
                                           "application/x-www-form-urlencoded", from(origin));
        EXPECT_EQ(response.status, 403) << origin;
        EXPECT_EQ(error_code(response), "agent.confirmation_refused") << origin;
        EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
    }
    http::Headers cross_site;
    cross_site.set("Sec-Fetch-Site", "cross-site");
    EXPECT_EQ(client_
                  .post(url("/confirm/" + id), pin_form(token, user_pin.view()),
                        "application/x-www-form-urlencoded", cross_site)
                  .status,
              403);
    EXPECT_EQ(state(id)["state"], "pending");
}

TEST_F(AgentConfirmationTest, HolderCancels) {
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    EXPECT_EQ(confirm(id, fmt::format("confirmation_token={}&action=cancel", token)).status, 303);
    const auto json = state(id);
    EXPECT_EQ(json["state"], "refused");
    EXPECT_EQ(json["error"]["code"], "agent.cancelled_by_holder");
    EXPECT_FALSE(json["error"]["message"]["de"].get<std::string>().empty());
    EXPECT_FALSE(json["error"]["message"]["en"].get<std::string>().empty());
    // Finished is finished: a late confirmation signs nothing.
    const auto late = confirm(id, pin_form(token, user_pin.view()));
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(error_code(late), "agent.request_finished");
}

TEST_F(AgentConfirmationTest, UnknownRequestPage) {
    const auto page = confirmation_page(std::string(32, 'a'));
    EXPECT_EQ(page.status, 404);
    EXPECT_NE(page.body.find("agent.request_not_found"), std::string::npos) << page.body;
}

class AgentPinPadTest : public AgentTest {
protected:
    AgentPinPadTest() { start_agent(Reader::pin_pad, true); }

    // The holder presses "Sign" and (on the FAKE reader) types the PIN on the pad.
    nlohmann::json sign_on_pad() {
        const auto id = open_request(document_);
        const auto page = confirmation_page(id);
        EXPECT_EQ(confirm(id, fmt::format("confirmation_token={}&action=sign",
                                          confirmation_token(page.body)))
                      .status,
                  303);
        return state(id);
    }
};

TEST_F(AgentPinPadTest, PageAsksForThePinOnTheReaderAndSignsWithoutOne) {
    const auto id = open_request(document_);
    const auto page = confirmation_page(id);
    EXPECT_NE(page.body.find("Bitte geben Sie die PIN am Kartenleser ein."), std::string::npos);
    EXPECT_NE(page.body.find("Please enter the PIN on the card reader."), std::string::npos);
    EXPECT_EQ(page.body.find("name=\"pin\""), std::string::npos);
    EXPECT_EQ(
        confirm(id, fmt::format("confirmation_token={}&action=sign", confirmation_token(page.body)))
            .status,
        303);
    const auto json = state(id);
    ASSERT_EQ(json["state"], "signed") << json.dump();
    const auto cms = encoding::from_base64(json["signature_base64"]);
    EXPECT_NO_THROW(signature::verify_cades(ossl::as_bytes(document_), ossl::as_bytes(cms)));
}

TEST_F(AgentPinPadTest, CancelOnThePad) {
    set_fake_reader("cancel", user_pin.view());
    const auto json = sign_on_pad();
    EXPECT_EQ(json["state"], "refused");
    EXPECT_EQ(json["error"]["code"], "card.pin_pad_cancelled");
    EXPECT_NE(json["error"]["message"]["en"].get<std::string>().find("cancelled"),
              std::string::npos);
}

TEST_F(AgentPinPadTest, CardInUseByAnotherProgramIsSaidBeforeAnyWindowOpens) {
    set_fake_reader("busy", user_pin.view());
    const auto response = post_sign(sign_body(document_));
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(error_code(response), "card.in_use_by_other_program");
    EXPECT_EQ(nlohmann::json::parse(get("/v1/status").body)["busy"], false);
}

TEST_F(AgentPinPadTest, CardTakenByAnotherProgramWhileTheWindowIsOpen) {
    const auto id = open_request(document_);
    const auto page = confirmation_page(id);
    set_fake_reader("busy", user_pin.view());
    confirm(id, fmt::format("confirmation_token={}&action=sign", confirmation_token(page.body)));
    const auto json = state(id);
    EXPECT_EQ(json["state"], "refused");
    EXPECT_EQ(json["error"]["code"], "card.in_use_by_other_program");
    EXPECT_NE(json["error"]["message"]["de"].get<std::string>().find("anderen Programm"),
              std::string::npos);
}

TEST_F(AgentPinPadTest, CardRemoved) {
    const auto id = open_request(document_);
    const auto page = confirmation_page(id);
    set_fake_reader("removed", user_pin.view());  // pulled while the page was shown
    confirm(id, fmt::format("confirmation_token={}&action=sign", confirmation_token(page.body)));
    const auto json = state(id);
    EXPECT_EQ(json["state"], "refused");
    // The slot is empty when the holder confirms: nothing to log in to.
    EXPECT_EQ(json["error"]["code"], "card.no_card") << json.dump();
}

TEST_F(AgentPinPadTest, WrongPinOnThePadThenRightPin) {
    set_fake_reader("normal", "999999");
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    const auto wrong = confirm(id, fmt::format("confirmation_token={}&action=sign", token));
    EXPECT_EQ(wrong.status, 422);
    EXPECT_NE(wrong.body.find("Die PIN ist falsch."), std::string::npos);
    set_fake_reader("normal", user_pin.view());
    EXPECT_EQ(confirm(id, fmt::format("confirmation_token={}&action=sign", token)).status, 303);
    EXPECT_EQ(state(id)["state"], "signed");
}

TEST_F(AgentPinPadTest, LockedPinRefusesTheRequest) {
    set_fake_reader("normal", "999999", 1);
    const auto id = open_request(document_);
    const auto token = confirmation_token(confirmation_page(id).body);
    for (int attempt = 0; attempt < 3 && state(id)["state"] == "pending"; ++attempt) {
        confirm(id, fmt::format("confirmation_token={}&action=sign", token));
    }
    const auto json = state(id);
    EXPECT_EQ(json["state"], "refused");
    EXPECT_EQ(json["error"]["code"], "card.pin_locked");
}

}  // namespace
}  // namespace sigcard::testing
