// The new order on the pages, without JavaScript: the form as a browser sends it (multipart, with
// a proof file), Post/Redirect/Get to the order's own page behind its key, one order for a form
// sent twice, every error at its field with the entries kept and nothing stored, and the
// cancellation until identification.
#include "pages_test_support.hpp"
#include "support/new_order_application.hpp"
#include "portal/pages/new_order_form.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

namespace sigcard::portal::pages::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The proofs' files are the fields certificate.<attribute>.proof.file; any other name is a text
// field. A name that only ends like one (".proof.file", "certificate..proof.file") once threw
// std::out_of_range — a 500 instead of the form's answer (found while writing the fuzz target).
TEST(NewOrderPost, OnlyCertificateAttributeProofFieldsAreFilesAndNoNameThrows) {
    const std::map<std::string, std::string, std::less<>> posted{
        {"certificate.profession.proof.file", "%PDF-1.7"},
        {"certificate.procuration.proof.file", ""},  // no file chosen: no upload
        {".proof.file", "x"},
        {"certificate..proof.file", "y"},
        {"proof.file", "z"},
        {"person.surname", "Mustermann"}};
    const auto post = split_new_order_post(posted);
    ASSERT_EQ(post.uploads.size(), 1u);
    EXPECT_EQ(post.uploads[0].attribute, "profession");
    EXPECT_EQ(post.uploads[0].content, "%PDF-1.7");
    EXPECT_EQ(post.form.find(".proof.file").value_or(""), "x");
    EXPECT_EQ(post.form.find("certificate..proof.file").value_or(""), "y");
    EXPECT_EQ(post.form.find("person.surname").value_or(""), "Mustermann");
}

struct Upload {
    std::string field;
    std::string file_name;
    std::string content;
};

// A multipart/form-data body as a browser builds it.
std::string multipart(const Fields& fields, const std::vector<Upload>& files,
                      const std::string& boundary) {
    std::string body;
    for (const auto& [name, value] : fields) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    }
    for (const auto& file : files) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field +
                "\"; filename=\"" + file.file_name +
                "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file.content + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

// What a person fills in: the valid application of the tests, as form fields.
Fields filled_in() {
    const auto a = sigcard::testing::valid_application();
    return {{"person.given_names", a.person.given_names},
            {"person.surname", a.person.surname},
            {"person.birth_name", a.person.birth_name},
            {"person.birth_date", a.person.birth_date},
            {"person.birth_place", a.person.birth_place},
            {"person.nationality", a.person.nationality},
            {"person.address.street", a.person.address.street},
            {"person.address.postal_code", a.person.address.postal_code},
            {"person.address.city", a.person.address.city},
            {"person.address.country", a.person.address.country},
            {"id_document.type", a.id_document.type},
            {"id_document.number", a.id_document.number},
            {"id_document.authority", a.id_document.authority},
            {"id_document.issued_on", a.id_document.issued_on},
            {"id_document.expires_on", "2035-01-31"},
            {"certificate.name", "own"},
            {"contact.email", a.order.contact.email},
            {"contact.phone", a.order.contact.phone},
            {"shipping.name", a.order.shipping.name},
            {"shipping.street", a.order.shipping.street},
            {"shipping.postal_code", a.order.shipping.postal_code},
            {"shipping.city", a.order.shipping.city},
            {"shipping.country", "DE"},
            {"billing_same", "1"},
            {"revocation.password", "Sperre-2026!"},
            {"revocation.password_repeat", "Sperre-2026!"},
            {"identification.method", "postident"},
            {"declaration.terms_accepted", "1"},
            {"declaration.withdrawal_acknowledged", "1"}};
}

void set(Fields& fields, const std::string& name, const std::string& value) {
    for (auto& [n, v] : fields) {
        if (n == name) {
            v = value;
            return;
        }
    }
    fields.emplace_back(name, value);
}

std::string capture(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string{};
}

class NewOrderPagesTest : public PagesTest {
protected:
    // Sends the form the browser last loaded (its CSRF token and submission id).
    http::ClientResponse send(Browser& browser, const std::string& form_page, Fields fields,
                              const std::vector<Upload>& files = {}) {
        fields.emplace_back("csrf_token",
                            capture(form_page, R"re(name="csrf_token" value="([0-9a-f]+)")re"));
        fields.emplace_back("submission_id",
                            capture(form_page, R"re(name="submission_id" value="([0-9a-f]+)")re"));
        const std::string boundary = "----sigcard-new-order";
        return browser.post("/neuauftrag", multipart(fields, files, boundary),
                            "multipart/form-data; boundary=" + boundary);
    }

    long long stored(const std::string& table) {
        long long n = 0;
        tc.db.with_session(
            [&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table, soci::into(n); });
        return n;
    }
};

TEST_F(NewOrderPagesTest, TheFormLeadsToTheOrdersOwnPageWithReferenceDeadlineAndDocuments) {
    Browser browser(base);
    const auto form = browser.get("/neuauftrag");
    ASSERT_EQ(form.status, 200);
    for (const char* id : {"person-given_names", "person-birth_date", "person-nationality",
                           "id_document-type", "id_document-expires_on", "certificate-pseudonym",
                           "certificate-profession-proof", "contact-email", "shipping-street",
                           "revocation-password", "identification-method-postident",
                           "declaration-terms_accepted", "declaration-withdrawal_acknowledged"}) {
        EXPECT_TRUE(contains(form.body, std::string("id=\"") + id + "\"")) << id;
    }
    EXPECT_TRUE(contains(form.body, "enctype=\"multipart/form-data\""));
    EXPECT_TRUE(contains(form.body, "117,81 EUR"));  // 99,00 net with 19 % VAT

    auto fields = filled_in();
    set(fields, "certificate.profession.requested", "1");
    set(fields, "certificate.profession.title", "Rechtsanwältin");
    set(fields, "certificate.profession.chamber", "Rechtsanwaltskammer Köln");
    const auto sent = send(browser, form.body, fields,
                           {{"certificate.profession.proof.file", "zulassung.pdf",
                             sigcard::testing::plain_pdf()}});
    ASSERT_EQ(sent.status, 303) << sent.body;
    const auto location = std::string(sent.headers.get("Location"));
    EXPECT_TRUE(location.starts_with("/neuauftrag/NA-2026-") || location.starts_with("/neuauftrag/NA-"))
        << location;
    EXPECT_NE(location.find("?key="), std::string::npos);
    EXPECT_EQ(stored("order_proofs"), 1);

    const auto own = browser.get(location);
    ASSERT_EQ(own.status, 200);
    EXPECT_TRUE(contains(own.body, "data-state=\"awaiting_identification\""));
    EXPECT_FALSE(capture(own.body, R"re(id="postident-reference">(SC[0-9A-Z]{10})<)re").empty());
    EXPECT_TRUE(contains(own.body, "id=\"download-coupon\""));
    EXPECT_TRUE(contains(own.body, "postident-coupon.pdf?key="));
    EXPECT_EQ(own.headers.get("Cache-Control"), "no-store");
}

TEST_F(NewOrderPagesTest, TheSameFormSentTwiceIsOneOrder) {
    Browser browser(base);
    const auto form = browser.get("/neuauftrag");
    // A double click: the second request leaves before the first one's answer arrives, with the
    // same cookies and the same form.
    Browser second_click(base);
    second_click.cookies() = browser.cookies();
    const auto first = send(browser, form.body, filled_in());
    const auto second = send(second_click, form.body, filled_in());
    ASSERT_EQ(first.status, 303) << first.body;
    EXPECT_EQ(second.status, 303);
    EXPECT_EQ(second.headers.get("Location"), first.headers.get("Location"));
    EXPECT_EQ(stored("orders"), 1);
}

TEST_F(NewOrderPagesTest, ErrorsStandAtTheirFieldsWithEntriesKeptAndNothingStored) {
    Browser browser(base);
    const auto form = browser.get("/neuauftrag?lang=en");
    auto fields = filled_in();
    set(fields, "person.surname", "");
    set(fields, "person.birth_date", "2015-02-30");
    set(fields, "person.birth_place", "<script>alert(1)</script>");
    set(fields, "certificate.profession.requested", "1");
    set(fields, "certificate.profession.title", "Notar");
    set(fields, "certificate.profession.chamber", "Notarkammer");
    set(fields, "declaration.withdrawal_acknowledged", "");
    fields.erase(std::remove_if(fields.begin(), fields.end(),
                                [](const auto& f) {
                                    return f.first == "declaration.withdrawal_acknowledged";
                                }),
                 fields.end());
    const auto answer = send(browser, form.body, fields,
                             {{"certificate.profession.proof.file", "zulassung.txt", "plain text"}});
    EXPECT_EQ(answer.status, 422);
    for (const char* id : {"person-surname-error", "person-birth_date-error",
                           "certificate-profession-proof-error",
                           "declaration-withdrawal_acknowledged-error"}) {
        EXPECT_TRUE(contains(answer.body, std::string("id=\"") + id + "\"")) << id;
    }
    EXPECT_TRUE(contains(answer.body, "The proof must be a PDF, JPEG or PNG file."));
    // Entries kept, markup shown as text.
    EXPECT_TRUE(contains(answer.body, "value=\"Erika Maria\""));
    EXPECT_TRUE(contains(answer.body, "value=\"Notarkammer\""));
    // Markup is text like any other (the one rule of readable text allows < and >): kept, and
    // shown escaped.
    EXPECT_FALSE(contains(answer.body, "id=\"person-birth_place-error\""));
    EXPECT_TRUE(contains(answer.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_FALSE(contains(answer.body, "<script>alert"));
    EXPECT_TRUE(contains(answer.body, "id=\"uploads-again\""));
    EXPECT_EQ(stored("orders"), 0);
    EXPECT_EQ(stored("order_proofs"), 0);
    // Without the form's token: refused, nothing stored.
    Browser stranger(base);
    stranger.get("/neuauftrag");
    const std::string boundary = "----x";
    auto forged = filled_in();
    forged.emplace_back("csrf_token", std::string(64, 'a'));
    EXPECT_EQ(stranger.post("/neuauftrag", multipart(forged, {}, boundary),
                            "multipart/form-data; boundary=" + boundary)
                  .status,
              403);
    EXPECT_EQ(stored("orders"), 0);
}

TEST_F(NewOrderPagesTest, TheApplicantCancelsUntilIdentificationOnlyWithTheKey) {
    Browser browser(base);
    const auto form = browser.get("/neuauftrag");
    const auto sent = send(browser, form.body, filled_in());
    ASSERT_EQ(sent.status, 303) << sent.body;
    const auto location = std::string(sent.headers.get("Location"));
    const auto number = capture(location, "/neuauftrag/([^?]+)");
    const auto key = capture(location, "key=([0-9a-f]+)");
    browser.get(location);  // the page with the cancel form and its token

    // Another key, or none: no page, no cancellation.
    EXPECT_EQ(browser.get("/neuauftrag/" + number + "?key=" + std::string(32, '0')).status, 404);
    EXPECT_EQ(browser.get("/neuauftrag/" + number).status, 404);
    EXPECT_EQ(browser.submit("/neuauftrag/" + number + "/stornieren", {{"key", std::string(32, '0')}})
                  .status,
              404);
    EXPECT_EQ(new_orders.find(number)->order.state, orders::OrderState::awaiting_identification);

    const auto cancelled = browser.submit("/neuauftrag/" + number + "/stornieren", {{"key", key}});
    EXPECT_EQ(cancelled.status, 303);
    const auto page = browser.get(location);
    EXPECT_TRUE(contains(page.body, "data-state=\"cancelled\""));
    EXPECT_FALSE(contains(page.body, "id=\"cancel-order\""));
    EXPECT_EQ(browser.submit("/neuauftrag/" + number + "/stornieren", {{"key", key}}).status, 409);
}

}  // namespace
}  // namespace sigcard::portal::pages::testing
