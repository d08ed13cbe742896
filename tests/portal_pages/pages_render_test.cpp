// The information pages in both languages, and the pages' security: session cookie flags, CSP,
// CSRF refusals, rate limits and the status look-up that does not tell which part was wrong.
#include "portal_pages/pages_test_support.hpp"

#include "smartcard/card_errors.hpp"

namespace sigcard::portal::pages::testing {
namespace {

TEST_F(PagesTest, StartPageIsGermanByDefaultAndEnglishBySwitch) {
    Browser browser(base);
    const auto german = browser.get("/");
    EXPECT_EQ(german.status, 200);
    EXPECT_EQ(german.content_type(), "text/html; charset=utf-8");
    EXPECT_TRUE(contains(german.body, "<html lang=\"de\">"));
    EXPECT_TRUE(contains(german.body, "Folgeauftrag starten"));
    EXPECT_TRUE(contains(german.body, "Kooperationspartner"));
    EXPECT_TRUE(contains(german.body, "id=\"lang-en\" href=\"/?lang=en\""));

    const auto english = browser.get("/?lang=en");
    EXPECT_TRUE(contains(english.body, "<html lang=\"en\">"));
    EXPECT_TRUE(contains(english.body, "Start follow-up order"));
    EXPECT_TRUE(contains(english.body, "cooperation partner"));
    // The choice is remembered: the next page without ?lang is English too.
    EXPECT_EQ(browser.cookies()["sigcard_lang"], "en");
    EXPECT_TRUE(contains(browser.get("/status").body, "Order status"));
    EXPECT_TRUE(contains(browser.get("/?lang=de").body, "Folgeauftrag starten"));
}

TEST_F(PagesTest, ABrowserSetToEnglishGetsEnglishUntilTheHolderChoosesOtherwise) {
    Browser english(base);
    english.accept_language = "en-GB,en;q=0.9,de;q=0.8";
    EXPECT_TRUE(contains(english.get("/").body, "<html lang=\"en\">"));
    // The holder's own choice outweighs the browser's setting.
    EXPECT_TRUE(contains(english.get("/?lang=de").body, "<html lang=\"de\">"));
    EXPECT_TRUE(contains(english.get("/status").body, "<html lang=\"de\">"));

    Browser german(base);
    german.accept_language = "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7";
    EXPECT_TRUE(contains(german.get("/").body, "<html lang=\"de\">"));
    Browser french(base);
    french.accept_language = "fr-FR,fr;q=0.9";
    EXPECT_TRUE(contains(french.get("/").body, "<html lang=\"de\">"));
    Browser weighted(base);
    weighted.accept_language = "de;q=0.3, EN;q=0.7";
    EXPECT_TRUE(contains(weighted.get("/").body, "<html lang=\"en\">"));
}

TEST_F(PagesTest, ARedirectKeepsTheChosenLanguage) {
    Browser browser(base);
    // Step 3 without steps 1 and 2 goes back to step 1, in English.
    const auto moved = browser.get("/folgeauftrag/angaben?lang=en");
    EXPECT_EQ(moved.status, 303);
    EXPECT_EQ(moved.headers.get("Location"), "/folgeauftrag?lang=en");
    EXPECT_EQ(browser.cookies()["sigcard_lang"], "en");
    EXPECT_TRUE(contains(browser.get("/folgeauftrag").body, "<html lang=\"en\">"));
}

TEST(PageTimes, TimesAreGermanTimeWithTheZoneAndUtcBeside) {
    // 2023-11-14 22:13:20 UTC is winter time in Berlin; 2024-07-01 10:00 UTC summer time.
    EXPECT_EQ(format_date_time(1700000000, Language::german),
              "14.11.2023, 23:13 Uhr MEZ (22:13 Uhr UTC)");
    EXPECT_EQ(format_date_time(1719828000, Language::english), "1 July 2024, 12:00 CEST (10:00 UTC)");
}

TEST_F(PagesTest, AnUnknownAddressIsAPageForBrowsersAndJsonForPrograms) {
    http::HttpClient client;
    http::Headers html;
    html.set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    html.set("Accept-Language", "en");
    const auto page = client.get(base + "/folgeauftrg", html);
    EXPECT_EQ(page.status, 404);
    EXPECT_EQ(page.content_type(), "text/html; charset=utf-8");
    EXPECT_TRUE(contains(page.body, "This page does not exist."));
    EXPECT_TRUE(contains(page.body, "id=\"error-home\""));

    const auto program = client.get(base + "/folgeauftrg");
    EXPECT_EQ(program.status, 404);
    EXPECT_TRUE(contains(std::string(program.content_type()), "application/json"));
    // The API stays JSON whatever the client accepts.
    const auto api = client.get(base + "/api/v1/nothing", html);
    EXPECT_EQ(api.status, 404);
    EXPECT_TRUE(contains(std::string(api.content_type()), "application/json"));
}

TEST_F(PagesTest, TheStatusLinkFromTheMailFillsInTheOrderNumberOnly) {
    Browser browser(base);
    EXPECT_TRUE(contains(browser.get("/status?auftrag=FA-2026-ABCD-1234").body,
                         "name=\"order_number\" value=\"FA-2026-ABCD-1234\""));
    // Anything that is no order number is not put into the page.
    EXPECT_TRUE(contains(browser.get("/status?auftrag=%3Cscript%3E").body,
                         "name=\"order_number\" value=\"\""));
}

TEST_F(PagesTest, EveryPageRendersInBothLanguages) {
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> pages_texts{
        {"/", {"Was Sie brauchen", "What you need"}},
        {"/neuauftrag", {"Ausweiskopie", "ID copy"}},
        {"/hilfe/karte", {"Karten-Agent und Kartenleser einrichten", "Setting up the card agent"}},
        {"/status", {"Auftragsnummer", "Order number"}},
        {"/folgeauftrag", {"Karte auslesen", "Read card"}},
    };
    for (const auto& [path, texts] : pages_texts) {
        Browser browser(base);
        const auto de = browser.get(path);
        EXPECT_EQ(de.status, 200) << path;
        EXPECT_TRUE(contains(de.body, texts.first)) << path;
        const auto en = browser.get(path + "?lang=en");
        EXPECT_EQ(en.status, 200) << path;
        EXPECT_TRUE(contains(en.body, texts.second)) << path;
        EXPECT_FALSE(contains(en.body, texts.first)) << path;
    }
}

TEST_F(PagesTest, NewOrderPageExplainsIdCopyAndPostIdent) {
    Browser browser(base);
    const auto page = browser.get("/neuauftrag").body;
    EXPECT_TRUE(contains(page, "Augenfarbe, Größe und die Zugangsnummer"));
    EXPECT_TRUE(contains(page, "PostIdent-Coupon"));
    EXPECT_TRUE(contains(page, "in Ihrem Beisein"));
}

TEST_F(PagesTest, CardHelpListsEveryCardErrorWithItsText) {
    Browser browser(base);
    const auto de = browser.get("/hilfe/karte").body;
    const auto en = browser.get("/hilfe/karte?lang=en").body;
    for (const auto* code : card_error_codes()) {
        EXPECT_TRUE(contains(de, "data-code=\"" + std::string(code->id) + "\"")) << code->id;
        EXPECT_TRUE(contains(de, "id=\"" + field_id(code->id) + "\"")) << code->id;
    }
    // What a holder never meets is not there: production's blank-card message.
    EXPECT_FALSE(contains(de, "card.no_free_slot"));
    EXPECT_FALSE(contains(de, "Kartenrohling"));
    // Headings in plain words.
    EXPECT_TRUE(contains(de, ">Die Karte wird nicht gefunden</h3>"));
    EXPECT_TRUE(contains(en, ">The card is blocked or does not answer</h3>"));
    // R9 in both languages; texts are HTML-escaped but otherwise the card layer's own.
    EXPECT_TRUE(contains(de, "auch Programme, die im Hintergrund laufen"));
    EXPECT_TRUE(contains(en, "including programs running in the background"));
    EXPECT_TRUE(contains(de, std::string(smartcard::errors::pin_locked.de)));
    EXPECT_TRUE(contains(en, std::string(smartcard::errors::no_reader.en)));
}

TEST_F(PagesTest, APageViewStoresNoSessionTheFirstFormCreatesIt) {
    Browser browser(base);
    const auto sessions_before = pages->sessions().size();
    browser.get("/");
    browser.get("/folgeauftrag");
    browser.get("/status");
    // Only the form cookie: nothing is kept on the server for looking at pages.
    ASSERT_EQ(browser.set_cookies.size(), 1u);
    EXPECT_TRUE(browser.set_cookies.front().starts_with("__Host-sigcard_form="));
    EXPECT_EQ(pages->sessions().size(), sessions_before);
    EXPECT_FALSE(browser.cookies().contains(std::string(SessionStore::cookie_name)));

    // A form sent without the form cookie (another site's form, a forged token) creates nothing.
    Browser forger(base);
    forger.get("/status");
    forger.cookies().clear();
    EXPECT_EQ(forger.post("/status", form({{"order_number", "2026-000001"},
                                           {"email", "a@example.org"},
                                           {"csrf_token", forger.csrf()}}))
                  .status,
              403);
    EXPECT_EQ(pages->sessions().size(), sessions_before);

    // The first form sent with cookie and token creates the session and sets its cookie.
    browser.post("/status", form({{"order_number", "2026-000001"},
                                  {"email", "a@example.org"},
                                  {"csrf_token", browser.csrf()}}));
    EXPECT_EQ(pages->sessions().size(), sessions_before + 1);
    const auto& cookie = browser.set_cookies.back();
    // "__Host-": the browser takes it only over HTTPS, for the whole site, from this host alone.
    EXPECT_TRUE(cookie.starts_with("__Host-sigcard_session=")) << cookie;
    EXPECT_TRUE(contains(cookie, "HttpOnly"));
    EXPECT_TRUE(contains(cookie, "Secure"));
    EXPECT_TRUE(contains(cookie, "SameSite=Strict"));
    EXPECT_TRUE(contains(cookie, "Path=/"));
    // The same session goes on: no further cookie.
    const auto cookies_so_far = browser.set_cookies.size();
    browser.get("/status");
    EXPECT_EQ(browser.set_cookies.size(), cookies_so_far);
    EXPECT_EQ(pages->sessions().size(), sessions_before + 1);
}

TEST_F(PagesTest, AFloodOfPageViewsLeavesEveryHoldersSessionInPlace) {
    Browser holder(base);
    holder.get("/status");
    holder.post("/status", form({{"order_number", "2026-000001"},
                                 {"email", "a@example.org"},
                                 {"csrf_token", holder.csrf()}}));
    const auto holder_session = holder.cookies().at(std::string(SessionStore::cookie_name));
    for (int i = 0; i < 100; ++i) {
        Browser visitor(base);
        visitor.get("/");
    }
    EXPECT_EQ(pages->sessions().size(), 1u);
    holder.get("/status");
    EXPECT_EQ(holder.cookies().at(std::string(SessionStore::cookie_name)), holder_session);
}

TEST_F(PagesTest, ContentSecurityPolicyIsStrictAndPagesHaveNoInlineCode) {
    Browser browser(base);
    for (const std::string path : {"/", "/folgeauftrag", "/hilfe/karte", "/status"}) {
        const auto response = browser.get(path);
        const auto csp = std::string(response.headers.get("Content-Security-Policy"));
        EXPECT_FALSE(csp.empty()) << path;
        EXPECT_FALSE(contains(csp, "unsafe-inline")) << path;
        EXPECT_FALSE(contains(csp, "unsafe-eval")) << path;
        EXPECT_TRUE(contains(csp, "script-src 'self'")) << path;
        EXPECT_FALSE(contains(response.body, "<script>")) << path;
        EXPECT_FALSE(contains(response.body, "style=")) << path;
        EXPECT_FALSE(contains(response.body, "onclick")) << path;
    }
    // Only the pages that talk to the card agent may connect to it.
    const auto card = browser.get("/folgeauftrag");
    EXPECT_TRUE(contains(std::string(card.headers.get("Content-Security-Policy")),
                         "connect-src 'self' http://127.0.0.1:29561"));
    const auto start = browser.get("/");
    EXPECT_FALSE(contains(std::string(start.headers.get("Content-Security-Policy")), "29561"));
}

TEST_F(PagesTest, StaticFilesHaveTheirContentTypes) {
    Browser browser(base);
    const auto css = browser.get("/static/portal.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.content_type(), "text/css; charset=utf-8");
    const auto js = browser.get("/static/portal.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.content_type(), "text/javascript; charset=utf-8");
    EXPECT_EQ(browser.get("/static/../templates/layout.html").status, 404);
    EXPECT_EQ(browser.get("/static/missing.js").status, 404);
}

TEST_F(PagesTest, APostWithoutOrWithAWrongCsrfTokenIsRefused) {
    Browser browser(base);
    browser.get("/status");
    const auto without =
        browser.post("/status", form({{"order_number", "FA-1"}, {"email", "a@b.de"}}));
    EXPECT_EQ(without.status, 403);
    EXPECT_TRUE(contains(without.body, "page.csrf_invalid"));
    EXPECT_EQ(without.content_type(), "text/html; charset=utf-8");
    const auto wrong = browser.post(
        "/status", form({{"order_number", "FA-1"}, {"email", "a@b.de"}, {"csrf_token", "00ff"}}));
    EXPECT_EQ(wrong.status, 403);
    // Another session's token does not fit this session.
    Browser other(base);
    other.get("/status");
    const auto foreign = browser.post(
        "/status",
        form({{"order_number", "FA-1"}, {"email", "a@b.de"}, {"csrf_token", other.csrf()}}));
    EXPECT_EQ(foreign.status, 403);
    for (const std::string path : {"/folgeauftrag/karte", "/folgeauftrag/berechtigung",
                                   "/folgeauftrag/angaben", "/folgeauftrag/signatur"}) {
        EXPECT_EQ(browser.post(path, "a=b").status, 403) << path;
    }
    EXPECT_EQ(browser.submit("/status", {{"order_number", "FA-1"}, {"email", "a@b.de"}}).status,
              200);
}

TEST_F(PagesTest, TheHolderCancelsAnOrderNobodyApprovedAfterLookingItUp) {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    const auto cert = issue_card(key, pki::testing::lawyer(), now + 30 * day);
    const auto order = place_order(key, cert.get(), "juergen@kanzlei.example", "Jürgen Müller");

    // Without looking it up first, nobody cancels anything.
    Browser stranger(base);
    stranger.get("/status");
    EXPECT_EQ(stranger.submit("/status/stornieren", {{"confirm_cancel", "1"}}).status, 409);
    EXPECT_EQ(book.find(order.order_number)->state, orders::OrderState::submitted);

    Browser browser(base);
    browser.get("/status");
    const auto found = browser.submit(
        "/status", {{"order_number", order.order_number}, {"email", "juergen@kanzlei.example"}});
    EXPECT_TRUE(contains(found.body, "id=\"cancel-form\""));
    // Not confirmed: said, and nothing changes.
    const auto unconfirmed = browser.submit("/status/stornieren", {});
    EXPECT_TRUE(contains(unconfirmed.body, "id=\"cancel-error\""));
    EXPECT_EQ(book.find(order.order_number)->state, orders::OrderState::submitted);
    const auto cancelled = browser.submit("/status/stornieren", {{"confirm_cancel", "1"}});
    EXPECT_TRUE(contains(cancelled.body, "id=\"cancel-done\""));
    EXPECT_TRUE(contains(cancelled.body, "id=\"status-state\">Storniert"));
    EXPECT_FALSE(contains(cancelled.body, "id=\"cancel-form\""));
    EXPECT_EQ(book.find(order.order_number)->state, orders::OrderState::cancelled);
    // The card may order again.
    EXPECT_TRUE(orders.check(ossl::to_der(cert.get()), now + 10).decision.eligible());
}

TEST_F(PagesTest, TheStatusLinkByMailAnswersAlikeAndIsQueuedOnlyForTheOrdersOwnAddress) {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    const auto cert = issue_card(key, pki::testing::lawyer(), now + 30 * day);
    const auto order = place_order(key, cert.get(), "anna@kanzlei.example", "Anna Schmitz");
    const auto queued = [this] {
        long long n = 0;
        tc.db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM order_mails WHERE kind = 'status_link'", soci::into(n);
        });
        return n;
    };
    // Without mails configured the button is not offered.
    EXPECT_FALSE(contains(Browser(base).get("/status").body, "id=\"status-link-submit\""));
    config.mail.smtp_url = "smtp://127.0.0.1:1";
    start_server();
    Browser browser(base);
    EXPECT_TRUE(contains(browser.get("/status").body, "id=\"status-link-submit\""));
    const auto wrong = browser.submit(
        "/status/link", {{"order_number", order.order_number}, {"email", "x@y.example"}});
    EXPECT_EQ(queued(), 0);
    const auto right = browser.submit(
        "/status/link", {{"order_number", order.order_number}, {"email", "anna@kanzlei.example"}});
    EXPECT_EQ(queued(), 1);
    EXPECT_EQ(wrong.status, right.status);
    EXPECT_TRUE(contains(wrong.body, "id=\"status-link-sent\""));
    EXPECT_TRUE(contains(right.body, "id=\"status-link-sent\""));
}

TEST_F(PagesTest, AnApprovedOrderCanNoLongerBeCancelledByTheHolder) {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    const auto cert = issue_card(key, pki::testing::lawyer(), now + 30 * day);
    const auto order = place_order(key, cert.get(), "anna@kanzlei.example", "Anna Schmitz");

    Browser browser(base);
    browser.get("/status");
    browser.submit("/status", {{"order_number", order.order_number}, {"email", "anna@kanzlei.example"}});
    // Meanwhile, in the back office, the second approval (backoffice/approvals takes this step).
    desk.store.apply({order.order_number, &orders::rule_of(orders::OrderStep::approve),
                      "operator:test", "", now + 6, std::nullopt});
    const auto late = browser.submit("/status/stornieren", {{"confirm_cancel", "1"}});
    EXPECT_TRUE(contains(late.body, "bereits freigegeben"));
    EXPECT_EQ(book.find(order.order_number)->state, orders::OrderState::approved);
}

TEST_F(PagesTest, StatusLookupGivesTheSameAnswerForAWrongEmailAndAnUnknownNumber) {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    const auto cert = issue_card(key, pki::testing::lawyer(), now + 30 * day);
    const auto order = place_order(key, cert.get(), "juergen@kanzlei.example", "Jürgen Müller");

    Browser browser(base);
    browser.get("/status");
    const auto found = browser.submit(
        "/status", {{"order_number", order.order_number}, {"email", "juergen@kanzlei.example"}});
    EXPECT_TRUE(contains(found.body, "id=\"status-state\">Eingegangen, wird geprüft"));
    EXPECT_TRUE(contains(found.body, "id=\"status-history\""));

    const auto wrong_email =
        browser.submit("/status", {{"order_number", order.order_number}, {"email", "x@y.example"}});
    const auto unknown =
        browser.submit("/status", {{"order_number", "FA-0000-0000"}, {"email", "x@y.example"}});
    EXPECT_EQ(wrong_email.status, unknown.status);
    std::smatch a;
    std::smatch b;
    const std::regex answer(R"re(<p class="error-box" id="status-not-found"[^>]*>([^<]*)</p>)re");
    ASSERT_TRUE(std::regex_search(wrong_email.body, a, answer));
    ASSERT_TRUE(std::regex_search(unknown.body, b, answer));
    EXPECT_EQ(a[1], b[1]);
    EXPECT_FALSE(contains(wrong_email.body, "status-state"));
}

TEST_F(PagesTest, TooManyStatusLookupsGetA429Page) {
    config.limits.status = {1, 2};  // sigcard.toml [limits]
    start_server();
    Browser browser(base);
    browser.get("/status");
    const std::vector<std::pair<std::string, std::string>> fields{{"order_number", "FA-1"},
                                                                  {"email", "a@b.de"}};
    EXPECT_EQ(browser.submit("/status", fields).status, 200);
    EXPECT_EQ(browser.submit("/status", fields).status, 200);
    const auto limited = browser.submit("/status", fields);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.headers.get("Retry-After"), "60");
    EXPECT_TRUE(contains(limited.body, "Zu viele Anfragen"));
}

TEST_F(PagesTest, TooManyNewSessionsFromOneClientGetA429PageAndStoreNothing) {
    config.limits.new_sessions = {1, 2};  // sigcard.toml [limits]
    start_server();
    const std::vector<std::pair<std::string, std::string>> fields{{"order_number", "FA-1"},
                                                                  {"email", "a@b.de"}};
    for (int i = 0; i < 2; ++i) {
        Browser browser(base);
        browser.get("/status");
        EXPECT_EQ(browser.submit("/status", fields).status, 200);
    }
    Browser third(base);
    third.get("/status");
    const auto limited = third.submit("/status", fields);
    EXPECT_EQ(limited.status, 429);
    EXPECT_TRUE(contains(limited.body, "Zu viele Anfragen"));
    EXPECT_FALSE(third.cookies().contains(std::string(SessionStore::cookie_name)));
    EXPECT_EQ(pages->sessions().size(), 2u);
}

TEST_F(PagesTest, UnknownValuesInTheLanguageSwitchAreIgnored) {
    Browser browser(base);
    const auto page = browser.get("/?lang=%3Cscript%3E");
    EXPECT_EQ(page.status, 200);
    EXPECT_TRUE(contains(page.body, "<html lang=\"de\">"));
    EXPECT_FALSE(contains(page.body, "<script>"));
}

}  // namespace
}  // namespace sigcard::portal::pages::testing
