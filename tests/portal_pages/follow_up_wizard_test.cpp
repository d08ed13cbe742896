// The follow-up wizard driven as a browser would, without the card agent: the certificate is
// posted as the page's script posts it (or uploaded as a file), the CMS comes from the holder's
// key as the agent would make it with the card.
#include "encoding/encoding.hpp"
#include "portal_pages/pages_test_support.hpp"

#include "orders/revocation_password.hpp"

#include "pki/qualified_profile.hpp"

#include <openssl/evp.h>

#include <future>
#include <latch>

namespace sigcard::portal::pages::testing {
namespace {

std::string unescape_html(std::string text) {
    const std::vector<std::pair<std::string, std::string>> entities{
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
    for (const auto& [entity, plain] : entities) {
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at)) {
            text.replace(at, entity.size(), plain);
            at += plain.size();
        }
    }
    return text;
}

std::string capture(const std::string& text, const std::string& pattern) {
    std::smatch match;
    return std::regex_search(text, match, std::regex(pattern)) ? std::string(match[1]) : "";
}

const std::vector<std::pair<std::string, std::string>> good_order_fields{
    {"contact.email", "juergen@kanzlei.example"},
    {"contact.phone", "0221 1234567"},
    {"shipping.name", "Jürgen Müller-Lüdenscheidt"},
    {"shipping.street", "Domkloster 4"},
    {"shipping.postal_code", "50667"},
    {"shipping.city", "Köln"},
    {"shipping.country", "DE"},
    {"revocation.password", "Sperr-Kennwort 2026"},
    {"revocation.password_repeat", "Sperr-Kennwort 2026"},
    {"billing_same", "1"},
    {"declaration.terms_accepted", "1"},
};

class WizardTest : public PagesTest {
protected:
    WizardTest() { cert = issue_card(key, pki::testing::lawyer(), now + 30 * day); }

    // Steps 1 and 2: certificate in, eligibility shown.
    http::ClientResponse present_card(Browser& browser, const X509* card) {
        browser.get("/folgeauftrag");
        const auto posted = browser.submit(
            "/folgeauftrag/karte",
            {{"certificate_base64", certificate_base64(card)}, {"card_token", "Test"}});
        EXPECT_EQ(posted.status, 303);
        EXPECT_EQ(posted.headers.get("Location"), "/folgeauftrag/berechtigung");
        return browser.get("/folgeauftrag/berechtigung");
    }

    // Up to the review page (step 4).
    http::ClientResponse reach_review(Browser& browser) {
        present_card(browser, cert.get());
        EXPECT_EQ(browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}})
                      .headers.get("Location"),
                  "/folgeauftrag/angaben");
        browser.get("/folgeauftrag/angaben");
        const auto posted = browser.submit("/folgeauftrag/angaben", good_order_fields);
        EXPECT_EQ(posted.status, 303);
        EXPECT_EQ(posted.headers.get("Location"), "/folgeauftrag/auftrag");
        return browser.get("/folgeauftrag/auftrag");
    }

    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr cert;
};

TEST_F(WizardTest, AWholeFollowUpOrderFromCardToConfirmationPdf) {
    Browser browser(base);
    const auto eligibility = present_card(browser, cert.get());
    EXPECT_TRUE(contains(eligibility.body, "id=\"holder-name\">Jürgen Müller-Lüdenscheidt"));
    EXPECT_TRUE(contains(eligibility.body, "Rechtsanwalt"));
    EXPECT_TRUE(contains(eligibility.body, "data-eligible=\"true\""));

    const auto review = reach_review(browser);
    ASSERT_EQ(review.status, 200);
    const auto document = unescape_html(
        capture(review.body, R"re(<pre id="order-document"[^>]*>([\s\S]*?)</pre>)re"));
    EXPECT_TRUE(contains(document, "Domkloster 4"));
    EXPECT_TRUE(contains(review.body, "href=\"/terms/2026-01\""));

    const auto signing = browser.get("/folgeauftrag/signatur");
    ASSERT_EQ(signing.status, 200);
    // The portal's signed request for the agent: over exactly this document, for this origin.
    const auto request =
        unescape_html(capture(signing.body, R"re(data-portal-request="([^"]*)")re"));
    const auto signature64 = capture(signing.body, R"re(data-portal-signature="([^"]*)")re");
    const auto request_json = nlohmann::json::parse(request);
    EXPECT_EQ(request_json["origin"], base);
    EXPECT_EQ(request_json["document_sha256"], encoding::hex(ossl::sha256(ossl::as_bytes(document))));
    EXPECT_LE(request_json["expires_at"].get<std::int64_t>() -
                  request_json["issued_at"].get<std::int64_t>(),
              900);
    const auto portal_signature = encoding::from_base64(signature64);
    ossl::EvpMdCtxPtr verify(EVP_MD_CTX_new());
    ASSERT_EQ(EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha256(), nullptr,
                                   X509_get0_pubkey(pages->request_signer().certificate())),
              1);
    EXPECT_EQ(EVP_DigestVerify(
                  verify.get(), reinterpret_cast<const unsigned char*>(portal_signature.data()),
                  portal_signature.size(), reinterpret_cast<const unsigned char*>(request.data()),
                  request.size()),
              1);

    const auto cms = signature::create_cades(key, cert.get(), ossl::as_bytes(document));
    const auto submitted =
        browser.submit("/folgeauftrag/signatur",
                       {{"signature_base64", encoding::to_base64(cms.data(), cms.size())}});
    ASSERT_EQ(submitted.status, 303) << submitted.body;
    EXPECT_EQ(submitted.headers.get("Location"), "/folgeauftrag/bestaetigung");
    const auto confirmation = browser.get("/folgeauftrag/bestaetigung");
    const auto number = capture(confirmation.body, R"re(id="order-number">([^<]+)<)re");
    EXPECT_TRUE(number.starts_with("FA-"));
    ASSERT_TRUE(book.find(number));
    const auto pdf = browser.get("/folgeauftrag/bestaetigung.pdf");
    EXPECT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.content_type(), "application/pdf");
    EXPECT_TRUE(pdf.body.starts_with("%PDF"));
    // Another session gets no PDF.
    Browser stranger(base);
    EXPECT_NE(stranger.get("/folgeauftrag/bestaetigung.pdf").status, 200);
}

TEST_F(WizardTest, TheHoldersNameIsEscapedOnThePage) {
    auto profile = pki::testing::lawyer();
    profile.given_name = "<script>alert(1)</script>";
    const auto odd = issue_card(key, profile, now + 30 * day);
    Browser browser(base);
    const auto page = present_card(browser, odd.get());
    EXPECT_FALSE(contains(page.body, "<script>alert(1)</script>"));
    EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST_F(WizardTest, FormErrorsStandNextToTheirFieldsAndEntriesAreKept) {
    Browser browser(base);
    present_card(browser, cert.get());
    browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}});
    browser.get("/folgeauftrag/angaben");
    auto fields = good_order_fields;
    fields[0].second = "kein-at-zeichen";  // contact.email
    fields[4].second = "5066";             // shipping.postal_code
    fields.pop_back();                     // terms not accepted
    const auto page = browser.submit("/folgeauftrag/angaben", fields);
    EXPECT_EQ(page.status, 422);
    EXPECT_TRUE(contains(page.body, "id=\"error-summary\""));
    EXPECT_TRUE(contains(page.body,
                         "id=\"contact-email-error\">Bitte geben Sie eine gültige "
                         "E-Mail-Adresse an"));
    EXPECT_TRUE(contains(page.body, "id=\"shipping-postal_code-error\""));
    EXPECT_TRUE(contains(page.body, "id=\"declaration-terms_accepted-error\""));
    EXPECT_FALSE(contains(page.body, "id=\"contact-phone-error\""));
    // The field's help and its error are both read out with the field.
    EXPECT_TRUE(contains(page.body, "id=\"contact-email-help\">Hierhin schicken wir"));
    EXPECT_TRUE(contains(page.body, "aria-describedby=\"contact-email-help contact-email-error\""));
    EXPECT_TRUE(contains(page.body, "aria-describedby=\"contact-phone-help\""));
    EXPECT_TRUE(contains(page.body, "value=\"kein-at-zeichen\""));
    EXPECT_TRUE(contains(page.body, "value=\"Domkloster 4\""));
    EXPECT_TRUE(contains(page.body, "value=\"5066\""));
    // Billing = shipping: the shipping errors are not repeated for billing.
    EXPECT_FALSE(contains(page.body, "id=\"billing-postal_code-error\""));

    const auto english = browser.get("/folgeauftrag/angaben?lang=en");
    EXPECT_TRUE(contains(english.body, "value=\"kein-at-zeichen\""));
}

TEST_F(WizardTest, ThePriceIsShownBeforeSigningAndInTheDocument) {
    Browser browser(base);
    present_card(browser, cert.get());
    browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}});
    const auto form = browser.get("/folgeauftrag/angaben");
    EXPECT_TRUE(contains(form.body, "94,01 EUR inkl. 19 % USt")) << form.body;
    EXPECT_EQ(browser.submit("/folgeauftrag/angaben", good_order_fields).status, 303);
    const auto review = browser.get("/folgeauftrag/auftrag");
    EXPECT_TRUE(contains(review.body, "id=\"review-price\">94,01 EUR inkl. 19 % USt"));
    EXPECT_TRUE(contains(review.body, "Preis der Signaturkarte: 94,01 EUR"));
    EXPECT_TRUE(contains(review.body, "Price of the signature card: EUR 94.01"));
}

TEST_F(WizardTest, TheRevocationPasswordIsCheckedAndStoredOnlyAsAnArgon2idHash) {
    Browser browser(base);
    present_card(browser, cert.get());
    browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}});
    const auto drafts = [this] {
        long long n = 0;
        tc.db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM order_drafts", soci::into(n);
        });
        return n;
    };
    const auto with = [](std::string password, std::string repeated) {
        auto fields = good_order_fields;
        for (auto& [name, value] : fields) {
            if (name == "revocation.password") {
                value = password;
            } else if (name == "revocation.password_repeat") {
                value = repeated;
            }
        }
        return fields;
    };
    const auto before = drafts();
    const auto short_one = browser.submit("/folgeauftrag/angaben", with("kurz", "kurz"));
    EXPECT_EQ(short_one.status, 422);
    EXPECT_TRUE(contains(short_one.body, "id=\"revocation-password-error\""));
    EXPECT_TRUE(contains(short_one.body, "Sperrkennwort: Das Sperrkennwort muss mindestens 8"));
    const auto differing =
        browser.submit("/folgeauftrag/angaben", with("Sperr-Kennwort 2026", "Sperr-Kennwort 2027"));
    EXPECT_TRUE(contains(differing.body, "id=\"revocation-password_repeat-error\""));
    // Never sent back to the browser.
    EXPECT_FALSE(contains(differing.body, "Sperr-Kennwort 2026"));
    EXPECT_EQ(drafts(), before);

    EXPECT_EQ(browser.submit("/folgeauftrag/angaben", good_order_fields).status, 303);
    std::string hash;
    tc.db.with_session([&](soci::session& s) {
        s << "SELECT revocation_password_hash FROM order_drafts ORDER BY issued_at DESC LIMIT 1",
            soci::into(hash);
    });
    EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
    EXPECT_TRUE(orders::revocation_password_matches(hash, Secret("Sperr-Kennwort 2026")));
    EXPECT_FALSE(orders::revocation_password_matches(hash, Secret("Sperr-Kennwort 2027")));
    // Not in the document the holder signs.
    EXPECT_FALSE(contains(browser.get("/folgeauftrag/auftrag").body, "Sperr-Kennwort"));
}

TEST_F(WizardTest, TheErrorSummaryNamesEveryWrongField) {
    Browser browser(base);
    present_card(browser, cert.get());
    browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}});
    // Nothing entered at all: each missing field is named, not "fill in this field" five times.
    const auto page = browser.submit("/folgeauftrag/angaben", {{"billing_same", "on"}});
    EXPECT_EQ(page.status, 422);
    for (const char* entry :
         {"<a href=\"#contact-email\">E-Mail-Adresse: ", "<a href=\"#contact-phone\">Telefonnummer: ",
          "<a href=\"#shipping-name\">Versandadresse – Name: ",
          "<a href=\"#shipping-street\">Versandadresse – Straße und Hausnummer: ",
          "<a href=\"#shipping-postal_code\">Versandadresse – Postleitzahl: "}) {
        EXPECT_TRUE(contains(page.body, entry)) << entry;
    }
    browser.get("/folgeauftrag/angaben?lang=en");
    const auto english = browser.submit("/folgeauftrag/angaben", {{"billing_same", "on"}});
    EXPECT_TRUE(contains(english.body, "<a href=\"#shipping-city\">Shipping address – Town or city: "))
        << english.body;
}

TEST_F(WizardTest, AnExpiredCardIsRefusedWithTheWayToANewOrder) {
    const auto expired = issue_card(key, pki::testing::lawyer(), now - day);
    Browser browser(base);
    const auto page = present_card(browser, expired.get());
    EXPECT_TRUE(contains(page.body, "data-code=\"eligibility.certificate_expired\""));
    EXPECT_TRUE(contains(page.body, "id=\"new-order-link\""));
    EXPECT_FALSE(contains(page.body, "id=\"declaration-form\""));
    // Further steps are closed to it.
    EXPECT_EQ(browser.get("/folgeauftrag/angaben").status, 303);
}

TEST_F(WizardTest, APartnerCardNamesThePartner) {
    cards::CardRegister register_(tc.db);
    const auto partner = register_.add_partner(
        {"Kammer-Service GmbH", "karten@kammer-service.example", "+49 30 123", ""}, "op:test");
    const auto partner_cert = issue_card(key, pki::testing::lawyer(), now + 30 * day, partner);
    Browser browser(base);
    const auto page = present_card(browser, partner_cert.get());
    EXPECT_TRUE(contains(page.body, "data-code=\"eligibility.partner_card\""));
    EXPECT_TRUE(contains(page.body, "id=\"partner-name\"><strong>Kammer-Service GmbH"));
    EXPECT_TRUE(contains(page.body, "karten@kammer-service.example"));
}

TEST_F(WizardTest, APartnersWebAddressIsALinkAndAnythingElseStaysText) {
    cards::CardRegister register_(tc.db);
    const auto linked = register_.add_partner(
        {"Kammer-Service GmbH", "k@kammer-service.example", "", "https://kammer-service.example"},
        "op:test");
    Browser browser(base);
    auto page = present_card(browser, issue_card(key, pki::testing::lawyer(), now + 30 * day, linked).get());
    EXPECT_TRUE(contains(page.body, "<a href=\"https://kammer-service.example\" id=\"partner-website\""));
    const auto plain = register_.add_partner(
        {"Alte Kammer", "a@alte-kammer.example", "", "javascript:alert(1)"}, "op:test");
    Browser other(base);
    page = present_card(other, issue_card(key, pki::testing::lawyer(), now + 30 * day, plain).get());
    EXPECT_TRUE(contains(page.body, "<span id=\"partner-website\">javascript:alert(1)</span>"));
    EXPECT_FALSE(contains(page.body, "href=\"javascript:"));
}

TEST_F(WizardTest, APseudonymsShippingNameIsExplainedAndLeftForTheHolder) {
    auto profile = pki::testing::lawyer();
    profile.given_name.clear();
    profile.surname.clear();
    profile.pseudonym = "Sonnenschein";
    Browser browser(base);
    present_card(browser, issue_card(key, profile, now + 30 * day).get());
    browser.submit("/folgeauftrag/berechtigung", {{"declaration", "unchanged"}});
    const auto form = browser.get("/folgeauftrag/angaben");
    EXPECT_TRUE(contains(form.body, "id=\"pseudonym-shipping-hint\""));
    EXPECT_TRUE(contains(form.body, "Pseudonym „Sonnenschein:PN“"));
    EXPECT_TRUE(contains(form.body, "name=\"shipping.name\" value=\"\"")) << form.body;
}

TEST_F(PagesTest, TheFooterLinksTheImprintAndPrivacyPagesFromConfiguration) {
    EXPECT_FALSE(contains(Browser(base).get("/").body, "id=\"imprint-link\""));
    config.imprint_url = "https://trust.example/impressum";
    config.privacy_url = "https://trust.example/datenschutz";
    start_server();
    const auto page = Browser(base).get("/?lang=en").body;
    EXPECT_TRUE(contains(page, "<a href=\"https://trust.example/impressum\" id=\"imprint-link\">Legal notice</a>"));
    EXPECT_TRUE(contains(page, "<a href=\"https://trust.example/datenschutz\" id=\"privacy-link\">Privacy</a>"));
}

TEST_F(WizardTest, ACardAtTheEndOfItsRemoteRenewalsIsLedToANewOrder) {
    const auto card = issue_card(key, pki::testing::lawyer(), now + 30 * day);
    const auto serial = ossl::serial_hex(card.get());
    const int renewals = config.policy.max_remote_renewals;
    tc.db.with_session([&](soci::session& s) {
        s << "UPDATE cards SET remote_renewals = :n WHERE certificate_serial = :s",
            soci::use(renewals), soci::use(serial);
    });
    Browser browser(base);
    const auto page = present_card(browser, card.get());
    EXPECT_TRUE(contains(page.body, "data-code=\"eligibility.too_many_remote_renewals\""));
    EXPECT_TRUE(contains(page.body, "id=\"new-order-link\""));
    EXPECT_FALSE(contains(page.body, "id=\"declaration-form\""));
}

TEST_F(WizardTest, TheIdentificationAgeLimitHoldsToTheDay) {
    using namespace std::chrono;
    // The limit in calendar years, as the policy counts it: a day inside, a day outside.
    const auto today = floor<days>(system_clock::from_time_t(now));
    const year_month_day date(today);
    const auto limit = sys_days(date - years(config.policy.max_identification_age_years));
    const auto seconds = [](sys_days d) {
        return duration_cast<std::chrono::seconds>(d.time_since_epoch()).count();
    };
    for (const auto& [identified, eligible] :
         {std::pair{seconds(limit + days(1)), true}, std::pair{seconds(limit - days(1)), false}}) {
        const auto card = issue_card(key, pki::testing::lawyer(), now + 30 * day);
        const auto serial = ossl::serial_hex(card.get());
        const long long at = identified;
        tc.db.with_session([&](soci::session& s) {
            s << "UPDATE cards SET identified_at = :at WHERE certificate_serial = :s",
                soci::use(at), soci::use(serial);
        });
        Browser browser(base);
        const auto page = present_card(browser, card.get());
        EXPECT_EQ(contains(page.body, "data-eligible=\"true\""), eligible) << identified;
        if (!eligible) {
            EXPECT_TRUE(contains(page.body, "data-code=\"eligibility.identification_too_old\""));
            EXPECT_TRUE(contains(page.body, "id=\"new-order-link\""));
        }
    }
}

TEST_F(WizardTest, AChangedNameLeadsToTheNewOrder) {
    Browser browser(base);
    present_card(browser, cert.get());
    const auto changed = browser.submit("/folgeauftrag/berechtigung", {{"declaration", "changed"}});
    EXPECT_EQ(changed.headers.get("Location"), "/neuauftrag?grund=geaendert");
    const auto page = browser.get("/neuauftrag?grund=geaendert");
    EXPECT_TRUE(contains(page.body, "id=\"new-order-reason\""));
    // The old certificate's name is carried into the application form.
    EXPECT_TRUE(contains(page.body, "name=\"person.given_names\" value=\"Jürgen\""));
    EXPECT_TRUE(contains(page.body, "name=\"person.surname\" value=\"Müller-Lüdenscheidt\""));
    EXPECT_EQ(browser.get("/folgeauftrag/angaben").status, 303);
}

TEST_F(WizardTest, TheCertificateCanBeUploadedAsAFile) {
    Browser browser(base);
    browser.get("/folgeauftrag");
    const std::string boundary = "----sigcardtest";
    const std::string body =
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" +
        browser.csrf() + "\r\n--" + boundary +
        "\r\nContent-Disposition: form-data; name=\"certificate\"; "
        "filename=\"karte.pem\"\r\nContent-Type: application/x-pem-file\r\n\r\n" +
        ossl::to_pem(cert.get()) + "\r\n--" + boundary + "--\r\n";
    const auto posted =
        browser.post("/folgeauftrag/karte", body, "multipart/form-data; boundary=" + boundary);
    EXPECT_EQ(posted.status, 303);
    EXPECT_TRUE(contains(browser.get("/folgeauftrag/berechtigung").body, "data-eligible=\"true\""));
}

TEST_F(WizardTest, GarbageInsteadOfACertificateIsReportedAsInvalid) {
    Browser browser(base);
    browser.get("/folgeauftrag");
    browser.submit("/folgeauftrag/karte", {{"certificate_base64", "MAMBAgM="}});
    const auto page = browser.get("/folgeauftrag/berechtigung");
    EXPECT_TRUE(contains(page.body, "data-code=\"eligibility.certificate_invalid\""));
    browser.get("/folgeauftrag");  // the form again, with the renewed session's token
    EXPECT_EQ(browser.submit("/folgeauftrag/karte", {{"certificate_base64", "%%%"}}).status, 400);
}

TEST_F(WizardTest, TooManyEligibilityChecksGetA429Page) {
    config.limits.eligibility = {1, 1};  // sigcard.toml [limits]
    start_server();
    Browser browser(base);
    browser.get("/folgeauftrag");
    const std::vector<std::pair<std::string, std::string>> fields{
        {"certificate_base64", certificate_base64(cert.get())}};
    EXPECT_EQ(browser.submit("/folgeauftrag/karte", fields).status, 303);
    browser.get("/folgeauftrag");  // the form again, with the renewed session's token
    EXPECT_EQ(browser.submit("/folgeauftrag/karte", fields).status, 429);
}

TEST_F(WizardTest, BindingACardAndPlacingTheOrderRenewSessionIdAndFormToken) {
    Browser browser(base);
    browser.get("/folgeauftrag");
    const std::vector<std::pair<std::string, std::string>> card{
        {"certificate_base64", certificate_base64(cert.get())}};
    // The first form sent creates the session; reading a card again renews it.
    browser.submit("/folgeauftrag/karte", card);
    const auto first_cookie = browser.cookies().at(std::string(SessionStore::cookie_name));
    browser.get("/folgeauftrag");
    const auto first_token = browser.csrf();
    browser.submit("/folgeauftrag/karte", card);
    const auto bound_cookie = browser.cookies().at(std::string(SessionStore::cookie_name));
    EXPECT_NE(bound_cookie, first_cookie);
    // Whoever learnt the old id or token (a shared PC, a page left open) holds nothing now.
    Browser stale(base);
    stale.cookies()[std::string(SessionStore::cookie_name)] = first_cookie;
    EXPECT_FALSE(contains(stale.get("/folgeauftrag/berechtigung").body, "data-eligible"));
    EXPECT_EQ(browser.post("/folgeauftrag/berechtigung",
                           form({{"declaration", "unchanged"}, {"csrf_token", first_token}}))
                  .status,
              403);
    EXPECT_TRUE(contains(browser.get("/folgeauftrag/berechtigung").body, "data-eligible=\"true\""));
    EXPECT_NE(browser.csrf(), first_token);
}

TEST_F(WizardTest, TheSigningRequestNamesTheConfiguredOriginNotTheHostHeader) {
    Browser browser(base);
    reach_review(browser);
    // The page is reached under another name than sigcard.toml gives the portal (a Host header
    // the client chose): the agent is still told only the configured origin.
    config.urls.portal = "https://Portal.Example:443/base/";
    const auto signing = browser.get("/folgeauftrag/signatur");
    const auto request = nlohmann::json::parse(
        unescape_html(capture(signing.body, R"re(data-portal-request="([^"]*)")re")));
    EXPECT_EQ(request["origin"], "https://portal.example");
}

TEST_F(WizardTest, DraftsAndSubmissionsFromOneAddressAreLimitedBySigcardToml) {
    config.limits.drafts = {1, 1};       // sigcard.toml [limits]
    config.limits.submissions = {1, 1};
    start_server();
    Browser browser(base);
    reach_review(browser);  // one draft
    browser.get("/folgeauftrag/angaben");
    const auto again = browser.submit("/folgeauftrag/angaben", good_order_fields);
    EXPECT_EQ(again.status, 429);
    EXPECT_TRUE(contains(again.body, "Zu viele Anfragen"));
    long long drafts = 0;
    tc.db.with_session(
        [&](soci::session& s) { s << "SELECT COUNT(*) FROM order_drafts", soci::into(drafts); });
    EXPECT_EQ(drafts, 1);
}

TEST_F(WizardTest, TwoSignaturesSentAtOnceGiveOneOrderAndBothTabsTheConfirmation) {
    Browser browser(base);
    const auto review = reach_review(browser);
    const auto document = unescape_html(
        capture(review.body, R"re(<pre id="order-document"[^>]*>([\s\S]*?)</pre>)re"));
    Browser other_tab(base);
    other_tab.cookies() = browser.cookies();
    // Two signatures of the same document (ECDSA signs differently each time), as two tabs or
    // a double click send them while the first is still on its way to the database.
    const auto first_cms = signature::create_cades(key, cert.get(), ossl::as_bytes(document));
    const auto second_cms = signature::create_cades(key, cert.get(), ossl::as_bytes(document));
    // Both tabs' connections are open (a new one's TLS handshake on a loaded machine would let
    // the first order finish before the second is sent), and both are sent at once.
    ASSERT_EQ(other_tab.get("/folgeauftrag/signatur").status, 200);
    std::latch ready(2);
    auto second = std::async(std::launch::async, [&] {
        const auto body =
            form({{"signature_base64", encoding::to_base64(second_cms.data(), second_cms.size())},
                  {"csrf_token", browser.csrf()}});
        ready.arrive_and_wait();
        return other_tab.post("/folgeauftrag/signatur", body);
    });
    ready.arrive_and_wait();
    const auto first =
        browser.submit("/folgeauftrag/signatur",
                       {{"signature_base64", encoding::to_base64(first_cms.data(), first_cms.size())}});
    const auto other = second.get();
    EXPECT_EQ(first.status, 303) << first.body;
    EXPECT_EQ(other.status, 303) << other.body;
    EXPECT_EQ(first.headers.get("Location"), "/folgeauftrag/bestaetigung");
    EXPECT_EQ(other.headers.get("Location"), "/folgeauftrag/bestaetigung");
    ASSERT_EQ(book.list().size(), 1u);
    const auto confirmation = other_tab.get("/folgeauftrag/bestaetigung");
    EXPECT_TRUE(contains(confirmation.body, book.list().front().order_number));
}

TEST_F(WizardTest, AnOpenOrderIsNamedOnlyAsOpenNeverByItsNumber) {
    const auto placed = place_order(key, cert.get(), "juergen@kanzlei.example", "Jürgen Müller");
    Browser browser(base);
    // Anyone may present a card's certificate: it is public.
    const auto eligibility = present_card(browser, cert.get());
    EXPECT_TRUE(contains(eligibility.body, "id=\"open-order\""));
    EXPECT_TRUE(contains(eligibility.body, "bereits ein Auftrag offen"));
    EXPECT_FALSE(contains(eligibility.body, placed.order_number));
}

TEST_F(WizardTest, ASignatureByAnotherKeyIsRefusedAndNothingIsStored) {
    Browser browser(base);
    const auto review = reach_review(browser);
    const auto document = unescape_html(
        capture(review.body, R"re(<pre id="order-document"[^>]*>([\s\S]*?)</pre>)re"));
    crypto::SoftwareSigner other_key = crypto::SoftwareSigner::generate_ec();
    const auto other = issue_card(other_key, pki::testing::lawyer(), now + 30 * day);
    const auto cms = signature::create_cades(other_key, other.get(), ossl::as_bytes(document));
    const auto page =
        browser.submit("/folgeauftrag/signatur",
                       {{"signature_base64", encoding::to_base64(cms.data(), cms.size())}});
    EXPECT_EQ(page.status, 422);
    EXPECT_TRUE(contains(page.body, "id=\"sign-problem\""));
    EXPECT_TRUE(book.list().empty());
}

TEST_F(WizardTest, TermsChangedDuringReviewLeadBackToANewDocument) {
    Browser browser(base);
    const auto review = reach_review(browser);
    const auto document = unescape_html(
        capture(review.body, R"re(<pre id="order-document"[^>]*>([\s\S]*?)</pre>)re"));
    terms.publish("AGB Version 2", "2026-02", unix_now() - 1, "operator:test");
    const auto cms = signature::create_cades(key, cert.get(), ossl::as_bytes(document));
    const auto page =
        browser.submit("/folgeauftrag/signatur",
                       {{"signature_base64", encoding::to_base64(cms.data(), cms.size())}});
    EXPECT_EQ(page.status, 422);
    EXPECT_TRUE(contains(page.body, "data-code=\"order.terms_outdated\""));
    EXPECT_TRUE(contains(page.body, "id=\"redraft-link\""));
    EXPECT_TRUE(book.list().empty());
    EXPECT_TRUE(contains(browser.get("/folgeauftrag/angaben").body, "/terms/2026-02"));
}

TEST(PortalRequestSignerTest, TheKeyIsCreatedOnceAndKept) {
    pki::testing::TempDir dir;
    const auto first = PortalRequestSigner::load_or_create(dir.path() / "tls");
    const auto again = PortalRequestSigner::load_or_create(dir.path() / "tls");
    EXPECT_EQ(ossl::to_pem(first.certificate()), ossl::to_pem(again.certificate()));
    const auto key_mode =
        std::filesystem::status(dir.path() / "tls" / "request-signing.key").permissions();
    EXPECT_EQ(key_mode & std::filesystem::perms::others_read, std::filesystem::perms::none);
    std::filesystem::remove(dir.path() / "tls" / "request-signing.pem");
    EXPECT_THROW(PortalRequestSigner::load_or_create(dir.path() / "tls"), std::runtime_error);
}

}  // namespace
}  // namespace sigcard::portal::pages::testing
