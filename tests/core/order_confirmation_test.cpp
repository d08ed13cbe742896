// The order confirmation PDF, read back with poppler's pdftotext and pdfinfo: what a holder
// and a PDF viewer would see.
#include "documents/order_confirmation.hpp"

#include "documents/pdf_flow.hpp"
#include "documents/scan_code.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>

namespace sigcard::documents {
namespace {

OrderConfirmation sample(Language language) {
    OrderConfirmation c;
    c.trust_center = "SigCard Demo Trust Center";
    c.order_number = "FA-2026-000042";
    c.created_at = 1795000000;  // 2026-11-18 11:06:40 UTC, 12:06:40 in Berlin (CET)
    c.holder = {"5F3A9C0D11",
                "Jürgen Müller",
                {{"Berufsbezeichnung", "Profession", "Rechtsanwalt"},
                 {"Zulassungsbehörde", "Admission authority", "Rechtsanwaltskammer Köln"}}};
    c.data.contact = {"juergen.mueller@example.de", "+49301234567"};
    c.data.shipping = {"Jürgen Müller", "", "Hauptstraße 5", "3. OG", "10115", "Berlin", "DE"};
    c.data.billing.name = "Jürgen Müller";
    c.data.billing.company = "Kanzlei Müller & Partner";
    c.data.billing.street = "Königsallee 12";
    c.data.billing.postal_code = "40212";
    c.data.billing.city = "Düsseldorf";
    c.data.billing.vat_id = "DE123456789";
    c.data.name_and_attributes_unchanged = true;
    c.data.terms_accepted = true;
    c.terms_version = "AGB 2026-01";
    c.terms_sha256 = std::string(64, 'a');
    c.document_sha256 = "3b0f" + std::string(60, 'c');
    c.language = language;
    return c;
}

std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) {
        throw std::runtime_error("cannot run " + command);
    }
    std::string out;
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
        out.append(buffer.data(), n);
    }
    return out;
}

// A rendered PDF on disk, with what poppler reads from it.
class RenderedPdf {
public:
    explicit RenderedPdf(const OrderConfirmation& c) : bytes_(render_order_confirmation(c)) {
        std::ofstream(path_, std::ios::binary) << bytes_;
    }
    const std::string& bytes() const { return bytes_; }
    std::string info() const { return run("pdfinfo '" + path_.string() + "'"); }
    // Every word with its bounding box (pdftotext -bbox writes XHTML).
    std::string words() const { return run("pdftotext -bbox '" + path_.string() + "' -"); }
    // Text with all whitespace runs made single spaces, so wrapped lines still match.
    std::string text(int first_page = 1, int last_page = 0) const {
        std::string range = " -f " + std::to_string(first_page);
        if (last_page > 0) {
            range += " -l " + std::to_string(last_page);
        }
        const auto raw = run("pdftotext -enc UTF-8" + range + " '" + path_.string() + "' -");
        return std::regex_replace(raw, std::regex("\\s+"), " ");
    }

private:
    testing::TempDir dir_{"sigcard-confirmation"};
    std::filesystem::path path_ = dir_ / "confirmation.pdf";
    std::string bytes_;
};

void expect_all(const std::string& text, std::initializer_list<const char*> expected) {
    for (const char* e : expected) {
        EXPECT_NE(text.find(e), std::string::npos) << "missing: " << e << "\nin: " << text;
    }
}

TEST(OrderConfirmation, GermanShowsOrderHolderAddressesTermsAndWhatHappensNext) {
    const auto text = RenderedPdf(sample(Language::german)).text();
    expect_all(text, {"SigCard Demo Trust Center",
                      "Auftragsbestätigung – Folgeauftrag",
                      "FA-2026-000042",
                      "Jürgen Müller",
                      "Rechtsanwaltskammer Köln",
                      "Hauptstraße 5",
                      "3. OG",
                      "10115 Berlin",
                      "Deutschland",
                      "Kanzlei Müller & Partner",
                      "Königsallee 12",
                      "40212 Düsseldorf",
                      "DE123456789",
                      "juergen.mueller@example.de",
                      "+49301234567",
                      "AGB 2026-01",
                      "Wie geht es weiter?",
                      "Unser Backoffice prüft Ihren Auftrag",
                      "mit einem neuen Schlüssel hergestellt",
                      "Den PIN-Brief erhalten Sie",
                      "ist das neue Zertifikat gesperrt (vorläufige Sperrung)",
                      "Empfang mit der neuen Karte bestätigen",
                      "bleibt bis zu ihrem Ablaufdatum gültig",
                      "Signiert mit der qualifizierten Signaturkarte, Zertifikat-Seriennummer "
                      "5F3A9C0D11",
                      "Seite 1 von 2",
                      "Seite 2 von 2"});
    EXPECT_NE(text.find("3b0fcccc"), std::string::npos);
    EXPECT_EQ(text.find("What happens next"), std::string::npos);
}

TEST(OrderConfirmation, EnglishShowsTheSameInEnglish) {
    const auto text = RenderedPdf(sample(Language::english)).text();
    expect_all(
        text, {"Order confirmation – follow-up order", "FA-2026-000042", "Jürgen Müller",
               "Admission authority", "Hauptstraße 5", "10115 Berlin", "Germany", "AGB 2026-01",
               "What happens next", "Our back office reviews your order", "produced with a new key",
               "the PIN letter is sent separately", "suspended (on hold) until you confirm",
               "Confirm receipt with the new card", "stays valid until it expires",
               "Signed with the qualified signature card, certificate serial 5F3A9C0D11",
               "Page 1 of 2", "Page 2 of 2"});
    EXPECT_EQ(text.find("Wie geht es weiter"), std::string::npos);
}

TEST(OrderConfirmation, ShowsTheTimeInBerlinLabelledAndInUtc) {
    expect_all(RenderedPdf(sample(Language::german)).text(),
               {"18.11.2026, 12:06 Uhr MEZ (11:06 Uhr UTC)"});
    auto summer = sample(Language::english);
    summer.created_at = 1785000000;  // 2026-07-25 17:20 UTC
    expect_all(RenderedPdf(summer).text(), {"25 July 2026, 19:20 CEST (17:20 UTC)"});
}

TEST(OrderConfirmation, IsAnA4PdfWithTitleAndCreator) {
    const RenderedPdf pdf(sample(Language::german));
    EXPECT_EQ(pdf.bytes().rfind("%PDF-", 0), 0u);
    const auto info = pdf.info();
    expect_all(info, {"Page size:       595.276 x 841.89 pts (A4)",
                      "Title:           Auftragsbestätigung – Folgeauftrag FA-2026-000042",
                      "Author:          SigCard Demo Trust Center", "Creator:         SigCard",
                      "Pages:           2"});
    EXPECT_NE(info.find("CreationDate:"), std::string::npos);
}

TEST(OrderConfirmation, MarkupCharactersInValuesArePrintedLiterally) {
    auto c = sample(Language::german);
    c.data.shipping.company = R"(<b>&"</b>)";
    c.holder.facts.push_back({"Zusatz", "Extra", "<span foreground='red'>x</span> & y"});
    const auto text = RenderedPdf(c).text();
    expect_all(text, {R"(<b>&"</b>)", "<span foreground='red'>x</span> & y"});
}

TEST(OrderConfirmation, ALongAttributeListContinuesOnTheNextPage) {
    auto c = sample(Language::german);
    for (int i = 1; i <= 40; ++i) {
        c.holder.facts.push_back({"Zusatzinformation " + std::to_string(i),
                                  "Additional " + std::to_string(i),
                                  "Wert Nummer " + std::to_string(i)});
    }
    const RenderedPdf pdf(c);
    // Two pages without the extra attributes (IsAnA4PdfWithTitleAndCreator), three with them.
    EXPECT_NE(pdf.info().find("Pages:           3"), std::string::npos) << pdf.info();
    const auto first = pdf.text(1, 1);
    const auto second = pdf.text(2, 2);
    expect_all(first, {"Wert Nummer 1 ", "Seite 1 von 3"});
    EXPECT_EQ(first.find("Wert Nummer 40"), std::string::npos);
    // The next page names the order again in its running header and goes on with the list.
    expect_all(second, {"SigCard Demo Trust Center · Auftragsbestätigung – Folgeauftrag",
                        "Auftragsnummer FA-2026-000042", "Wert Nummer 40", "Seite 2 von 3",
                        "Zertifikat-Seriennummer 5F3A9C0D11"});
    EXPECT_EQ(second.find("Wert Nummer 1 "), std::string::npos);
    expect_all(pdf.text(3, 3), {"Wie geht es weiter?", "Seite 3 von 3"});
}

TEST(OrderConfirmation, LongValuesWrapInsteadOfRunningOffThePage) {
    auto c = sample(Language::english);
    c.holder.facts.push_back(
        {"Restriktion", "Restriction",
         "Nur für Willenserklärungen im Rahmen der Vertretung der Müller & Partner "
         "Rechtsanwaltsgesellschaft mbH bis zu einem Betrag von 250.000 Euro je Geschäftsvorfall, "
         "ausgenommen Grundstücksgeschäfte und Bürgschaften"});
    c.data.contact.email =
        "a.very.long.local.part.that.has.no.spaces.at.all@kanzlei-"
        "mueller-und-partner-rechtsanwaelte.example.de";
    const RenderedPdf pdf(c);
    expect_all(pdf.text(), {"ausgenommen Grundstücksgeschäfte und Bürgschaften",
                            "a.very.long.local", "rechtsanwaelte.example.de"});
    // No word reaches into the right margin (22 mm: x <= 595.3 - 62 points).
    const auto words = pdf.words();
    const std::regex x_max(R"re(xMax="([0-9.]+)")re");
    std::size_t checked = 0;
    for (std::sregex_iterator m(words.begin(), words.end(), x_max), end; m != end; ++m) {
        EXPECT_LE(std::stod((*m)[1]), 533.5) << (*m)[0];
        ++checked;
    }
    EXPECT_GT(checked, 200u);
}

TEST(OrderConfirmationScanCode, EncodesTheOrderNumberAsASmallQrCode) {
    const auto code = encode_qr("FA-2026-000042");
    EXPECT_EQ(code.modules, 21);        // version 1 holds 14 alphanumeric characters at level M
    EXPECT_DOUBLE_EQ(code.extent, 29);  // four modules of quiet zone on each side
    ASSERT_FALSE(code.dark.empty());
    for (const auto& r : code.dark) {
        EXPECT_GE(r.x, 4 - 1e-6);
        EXPECT_LE(r.x + r.width, 25 + 1e-6);
    }
}

TEST(OrderConfirmationMarkup, EscapesMarkupAndFlattensLineBreaks) {
    EXPECT_EQ(pdf::escape(R"(<b>&"Köln"</b>)"), "&lt;b&gt;&amp;&quot;Köln&quot;&lt;/b&gt;");
    EXPECT_EQ(pdf::escape("Zeile 1\nZeile 2\tEnde"), "Zeile 1 Zeile 2 Ende");
    EXPECT_EQ(pdf::escape(std::string("a\0b", 3)), "a b");
    EXPECT_EQ(pdf::escape("caf\xe9"), "caf\xef\xbf\xbd");  // Latin-1 é becomes U+FFFD
}

}  // namespace
}  // namespace sigcard::documents
