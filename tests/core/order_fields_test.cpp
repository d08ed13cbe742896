// The one description of the order's fields: every field a form shows is the field validation
// names, and each reads and writes its own place in the order data.
#include "orders/order_fields.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

TEST(OrderFields, EveryFieldErrorNamesADescribedFieldOrADeclaration) {
    OrderData empty;
    empty.shipping.country = "";
    empty.billing.country = "";
    const auto errors = validate(empty);
    ASSERT_FALSE(errors.empty());
    for (const auto& error : errors) {
        EXPECT_TRUE(order_field(error.field) != nullptr || error.field.starts_with("declaration."))
            << error.field;
    }
}

TEST(OrderFields, EachFieldWritesItsOwnPlace) {
    OrderData data;
    for (const auto& field : order_fields()) {
        field.value(data) = "value of " + field.name;
    }
    EXPECT_EQ(data.contact.email, "value of contact.email");
    EXPECT_EQ(data.shipping.street, "value of shipping.street");
    EXPECT_EQ(data.billing.street, "value of billing.street");
    EXPECT_EQ(data.billing.country, "value of billing.country");
    EXPECT_EQ(data.billing.vat_id, "value of billing.vat_id");
    EXPECT_EQ(order_fields().size(), 17u);
}

TEST(OrderFields, TitlesNameTheSectionInTheHoldersLanguage) {
    EXPECT_EQ(field_title(*order_field("shipping.postal_code"), false), "Versandadresse – Postleitzahl");
    EXPECT_EQ(field_title(*order_field("billing.city"), true), "Billing address – Town or city");
    EXPECT_EQ(field_title(*order_field("contact.email"), false), "E-Mail-Adresse");
    EXPECT_EQ(order_field("declaration.terms_accepted"), nullptr);
}

}  // namespace
}  // namespace sigcard::orders
