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
