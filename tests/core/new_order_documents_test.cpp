// The new order's three PDFs as an applicant and the back office meet them: read back with
// poppler's pdftotext, rendered with pdftoppm, and the codes read with zxing-cpp's ZXingReader
// (the Data Matrix of the order form, the Code 128 of the coupon).
#include "documents/new_order_documents.hpp"

#include "support/new_order_application.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>

namespace sigcard::documents {
namespace {

NewOrderPapers sample(Language language) {
    NewOrderPapers p;
    p.trust_center = "SigCard Demo Trust Center";
    p.order_number = "NA-2026-7KQM-X3PA";
    p.postident_reference = "SC7KQMX3PA2B";
    p.postident_billing_number = "99800000000101";
    p.created_at = 1796000000;           // 2026-11-30
    p.deadline = 1796000000 + 30 * 86400;  // 2026-12-30
    p.application = testing::valid_application();
    p.application.certificate.profession =
        new_order::Profession{"Rechtsanwältin", "Rechtsanwaltskammer Köln", {true, ""}};
    p.terms_version = "2026-01";
    p.terms_sha256 = std::string(64, 'a');
    p.price = {9900, 19};
    p.document_sha256 = "5e1d" + std::string(60, 'b');
    p.offices.push_back({"koeln", "Registrierungsstelle Köln", "Domkloster 4, 50667 Köln",
                         "Mo–Fr 9–17 Uhr"});
    p.language = language;
    return p;
}

std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string out;
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
        out.append(buffer.data(), n);
    }
    return out;
}

class Rendered {
public:
    explicit Rendered(std::string bytes) { std::ofstream(pdf_, std::ios::binary) << bytes; }
    std::string text() const {
        return std::regex_replace(run("pdftotext -enc UTF-8 '" + pdf_.string() + "' -"),
                                  std::regex("\\s+"), " ");
    }
    // The first page at 200 dpi, as ZXingReader reads it: all of it, or only its top right
    // corner, where the order form prints its Data Matrix (a desk scanner is aimed at the code;
    // ZXing's Data Matrix detector does not find a small code among a whole page of text).
    std::string codes(const std::string& format, bool top_right_corner = false) const {
        const std::string crop = top_right_corner ? " -x 1100 -y 0 -W 554 -H 500" : "";
        run("pdftoppm -r 200 -f 1 -l 1" + crop + " -png '" + pdf_.string() + "' '" +
            (dir_ / "page").string() + "'");
        return run("ZXingReader -format " + format + " '" + (dir_ / "page-1.png").string() + "'");
    }

private:
    testing::TempDir dir_{"sigcard-new-order-papers"};
    std::filesystem::path pdf_ = dir_ / "document.pdf";
};

void expect_all(const std::string& text, std::initializer_list<std::string> expected) {
    for (const auto& e : expected) {
        EXPECT_NE(text.find(e), std::string::npos) << "missing: " << e << "\nin: " << text;
    }
}

TEST(NewOrderDocuments, TheOrderFormShowsEveryFieldAndCarriesNumberAndHashInItsDataMatrix) {
    const auto papers = sample(Language::german);
    const Rendered form(render_new_order_form(papers));
    expect_all(form.text(), {"Auftrag für eine qualifizierte Signaturkarte", "NA-2026-7KQM-X3PA",
                             "SC7KQMX3PA2B", "Erika Maria", "Mustermann", "Gabler",
                             "12.08.1980, Berlin", "Personalausweis", "L01X00T47", "Stadt Köln",
                             "Rechtsanwältin", "bestätigt die ausstellende Stelle direkt",
                             "erika@example.org", "Heidestraße 17", "51147 Köln",
                             "PostIdent in einer Filiale", "2026-01", std::string(64, 'a'),
                             "117,81 EUR", "Widerrufsbelehrung", "Ort, Datum", "Unterschrift",
                             "30.12.2026"});
    const auto scanned = form.codes("DataMatrix", true);
    EXPECT_NE(scanned.find("Text:       \"" + order_form_scan_text(papers) + "\""),
              std::string::npos)
        << scanned;
    EXPECT_EQ(order_form_scan_text(papers), "NA-2026-7KQM-X3PA " + papers.document_sha256);
}

TEST(NewOrderDocuments, TheCouponShowsBillingNumberReferenceAsTextAndBarCodeAndValidUntil) {
    const auto papers = sample(Language::german);
    const Rendered coupon(render_postident_coupon(papers));
    expect_all(coupon.text(), {"PostIdent-Coupon", "Gültig bis 30.12.2026", "99800000000101",
                               "SC7KQMX3PA2B", "Erika Maria Mustermann", "Personalausweis",
                               "Diesen Coupon"});
    const auto scanned = coupon.codes("Code128");
    EXPECT_NE(scanned.find("Text:       \"SC7KQMX3PA2B\""), std::string::npos) << scanned;
}

TEST(NewOrderDocuments, TheDescriptionExplainsPostIdentTheIdCopyRulesAndWhatFollows) {
    const Rendered de(render_new_order_description(sample(Language::german)));
    expect_all(de.text(), {"So geht es weiter", "NA-2026-7KQM-X3PA", "30.12.2026",
                           "In jeder Filiale der Deutschen Post", "Augenfarbe, Größe und die Zugangsnummer",
                           "Niemand darf verlangen", "in Ihrer Anwesenheit",
                           "Registrierungsstelle Köln", "Domkloster 4"});
    const Rendered en(render_new_order_description(sample(Language::english)));
    expect_all(en.text(), {"What happens next", "eye colour, height and the access number",
                           "Nobody may demand", "2026-12-30"});
}

TEST(NewOrderDocuments, MarkupAndLineBreaksInFieldsArePrintedAsText) {
    auto papers = sample(Language::english);
    papers.application.person.birth_place = "<b>Bonn</b> & <span font=\"99\">x</span>";
    papers.application.order.shipping.street = "Line one\nLine two";
    const auto text = Rendered(render_new_order_form(papers)).text();
    expect_all(text, {"<b>Bonn</b> & <span font=\"99\">x</span>", "Line one Line two",
                      "Order for a qualified signature card"});
}

}  // namespace
}  // namespace sigcard::documents
