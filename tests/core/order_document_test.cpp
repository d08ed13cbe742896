#include "orders/order_document.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

OrderDocumentInput sample() {
    OrderDocumentInput in;
    in.trust_center = "SigCard Demo Trust Center";
    in.holder = {"5f3a9c",
                 "Dr. Erika Mustermann",
                 {{"Berufsbezeichnung", "Profession", "Rechtsanwältin"},
                  {"Kammer", "Chamber", "Rechtsanwaltskammer Köln"}}};
    in.data.contact = {"erika@example.de", "+49301234567"};
    in.data.shipping = {"Erika Mustermann", "", "Heidestraße 17", "", "51147", "Köln", "DE"};
    static_cast<PostalAddress&>(in.data.billing) = in.data.shipping;
    in.data.name_and_attributes_unchanged = true;
    in.data.terms_accepted = true;
    in.terms_version = "2026-01";
    in.terms_sha256 = std::string(64, 'a');
    in.nonce = "n0nce";
    in.created_at = 1795000000;
    return in;
}

TEST(OrderDocument, ThePriceWithVatIsBoundIntoTheDocumentInBothLanguages) {
    auto in = sample();
    in.price = {7900, 19};
    const auto doc = render_order_document(in);
    EXPECT_NE(doc.find("  Preis der Signaturkarte: 94,01 EUR inkl. 19 % USt (netto 79,00 EUR, "
                       "USt 15,01 EUR)\n"),
              std::string::npos)
        << doc;
    EXPECT_NE(doc.find("  Price of the signature card: EUR 94.01 including 19 % VAT (net EUR "
                       "79.00, VAT EUR 15.01)\n"),
              std::string::npos)
        << doc;
    EXPECT_EQ(price_in_document(doc, false), "94,01 EUR inkl. 19 % USt (netto 79,00 EUR, USt 15,01 EUR)");
    EXPECT_EQ(price_in_document(doc, true),
              "EUR 94.01 including 19 % VAT (net EUR 79.00, VAT EUR 15.01)");
    // Another price is another document.
    in.price = {7900, 7};
    EXPECT_NE(render_order_document(in), doc);
    EXPECT_EQ(price_in_document("a document from before prices", false), "");
}

TEST(Price, VatIsRoundedHalfUpToTheCent) {
    EXPECT_EQ((Price{7900, 19}).gross_cents(), 9401);
    EXPECT_EQ((Price{1, 50}).vat_cents(), 1);   // 0.5 cent rounds up
    EXPECT_EQ((Price{1, 49}).vat_cents(), 0);
    EXPECT_EQ(format_amount(123456, false), "1234,56 EUR");
    EXPECT_EQ(format_amount(5, true), "EUR 0.05");
}

TEST(OrderDocument, SameInputGivesTheSameBytes) {
    EXPECT_EQ(render_order_document(sample()), render_order_document(sample()));
}

TEST(OrderDocument, NamesEveryFieldTheDeclarationTermsAndNonceInBothLanguages) {
    const auto doc = render_order_document(sample());
    for (const char* expected :
         {"Folgeauftrag für eine qualifizierte Signaturkarte",
          "Follow-up order for a qualified signature card", "Dr. Erika Mustermann",
          "Rechtsanwältin", "Rechtsanwaltskammer Köln", "erika@example.de", "+49301234567",
          "Heidestraße 17", "51147", "nicht geändert haben", "have not changed",
          "2026-01 (SHA-256 aaaa", "Nonce: n0nce", "2026-11-18T", "5f3a9c",
          "SigCard Demo Trust Center"}) {
        EXPECT_NE(doc.find(expected), std::string::npos) << expected;
    }
    EXPECT_LT(doc.find("Versandadresse"), doc.find("Shipping address"));
}

TEST(OrderDocument, AnyChangedFieldChangesTheBytes) {
    auto changed = sample();
    changed.data.shipping.postal_code = "51149";
    EXPECT_NE(render_order_document(changed), render_order_document(sample()));
    changed = sample();
    changed.nonce = "other";
    EXPECT_NE(render_order_document(changed), render_order_document(sample()));
}

TEST(OrderDocument, RefusesAValueWithALineBreak) {
    auto in = sample();
    in.data.shipping.city = "Köln\nEmpfänger: Mallory";
    EXPECT_THROW(render_order_document(in), std::invalid_argument);
}

}  // namespace
}  // namespace sigcard::orders
