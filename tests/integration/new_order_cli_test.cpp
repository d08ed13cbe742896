// `sigcard order new` as a registration officer uses it for a walk-in applicant: the application
// as JSON with a proof file beside it, the same checks as the portal's, the three documents
// written for printing; a refused application names each field and stores nothing.
#include "integration_support.hpp"
#include "support/new_order_application.hpp"

#include <gtest/gtest.h>

namespace sigcard::testing {
namespace {

class NewOrderCliTest : public TrustCenterTest {
protected:
    void SetUp() override {
        TrustCenterTest::SetUp();
        std::ofstream(tmp_.path() / "agb.txt") << "Allgemeine Geschäftsbedingungen\n";
        const auto published = sigcard(fmt::format(
            "terms publish {} --version 2026-01 --valid-from 2026-01-01 --dir {}",
            (tmp_.path() / "agb.txt").string(), dir().string()));
        ASSERT_EQ(published.status, 0) << published.output;
    }

    std::filesystem::path write_application(const nlohmann::json& body) {
        const auto file = tmp_.path() / "application.json";
        std::ofstream(file) << body.dump(2);
        return file;
    }

    long long new_orders() {
        const auto out = run_command(fmt::format(
            "sqlite3 {} \"SELECT COUNT(*) FROM orders WHERE kind = 'new'\"",
            (dir() / "sigcard.db").string()));
        return std::stoll(out.output);
    }
};

TEST_F(NewOrderCliTest, AWalkInApplicationWithAProofFileBecomesAnOrderWithItsDocuments) {
    nlohmann::json body = valid_application();
    body["identification"] = {{"method", "registration_office"}, {"office", "koeln"}};
    body["certificate"]["profession"] = {{"title", "Rechtsanwältin"},
                                         {"chamber", "Rechtsanwaltskammer Köln"},
                                         {"proof", {{"file", "zulassung.pdf"}}}};
    body["revocation_password"] = "Sperre-2026!";
    std::ofstream(tmp_.path() / "zulassung.pdf", std::ios::binary) << plain_pdf();
    const auto out = tmp_.path() / "print";
    const auto result = sigcard(fmt::format("order new --dir {} --from {} --out {}",
                                            dir().string(), write_application(body).string(),
                                            out.string()));
    ASSERT_EQ(result.status, 0) << result.output;
    const auto number = capture(result.output, "New order (NA-[0-9A-Z-]+) awaiting identification");
    ASSERT_FALSE(number.empty()) << result.output;
    EXPECT_FALSE(capture(result.output, "PostIdent reference: (SC[0-9A-Z]{10})").empty());
    EXPECT_EQ(new_orders(), 1);
    for (const std::string name : {"order-form", "postident-coupon", "description"}) {
        const auto text = run_command("pdftotext -enc UTF-8 " +
                                      (out / (name + "-" + number + ".pdf")).string() + " -");
        EXPECT_EQ(text.status, 0) << name;
        EXPECT_NE(text.output.find(number), std::string::npos) << name;
    }
    const auto form = run_command("pdftotext -enc UTF-8 " +
                                  (out / ("order-form-" + number + ".pdf")).string() + " -");
    EXPECT_NE(form.output.find("Registrierungsstelle Köln"), std::string::npos) << form.output;
    EXPECT_NE(form.output.find("Nachweis hochgeladen"), std::string::npos) << form.output;
    // The order is in the back office's list.
    const auto list = sigcard(fmt::format("order list --dir {} --state awaiting_identification",
                                          dir().string()));
    EXPECT_NE(list.output.find(number), std::string::npos) << list.output;
}

TEST_F(NewOrderCliTest, ARefusedApplicationNamesEachFieldAndStoresNothing) {
    nlohmann::json body = valid_application();
    body["person"]["given_names"] = "";
    body["id_document"]["expires_on"] = "2000-01-01";
    body["certificate"]["pseudonym"] = "Mustermann Consulting";
    body["revocation_password"] = "Sperre-2026!";
    const auto result = sigcard(fmt::format("order new --dir {} --from {}", dir().string(),
                                            write_application(body).string()));
    EXPECT_NE(result.status, 0);
    for (const char* line : {"Given names (person.given_names): [field.required]",
                             "ID document – date of expiry (id_document.expires_on): "
                             "[new_order.id_expired]",
                             "Pseudonym (certificate.pseudonym): [new_order.pseudonym_invalid]"}) {
        EXPECT_NE(result.output.find(line), std::string::npos) << line << "\n" << result.output;
    }
    EXPECT_EQ(new_orders(), 0);
}

}  // namespace
}  // namespace sigcard::testing
