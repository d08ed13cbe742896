#include "orders/order_data.hpp"

#include "orders/order_errors.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

OrderData valid_order() {
    OrderData d;
    d.contact = {"erika.mustermann@example.de", "030 1234567"};
    d.shipping = {"Erika Mustermann", "", "Heidestraße 17", "", "51147", "Köln", "DE"};
    static_cast<PostalAddress&>(d.billing) = {
        "Erika Mustermann", "Kanzlei Mustermann", "Markt 1", "", "1010", "Wien", "AT"};
    d.billing.vat_id = "ATU12345678";
    d.name_and_attributes_unchanged = true;
    d.terms_accepted = true;
    return normalise(d);
}

std::string code_of(const std::vector<FieldError>& errors, const std::string& field) {
    for (const auto& e : errors) {
        if (e.field == field) {
            return std::string(e.code->id);
        }
    }
    return "";
}

TEST(OrderData, AcceptsAValidOrderAndNormalisesThePhone) {
    const auto d = valid_order();
    EXPECT_TRUE(validate(d).empty());
    EXPECT_EQ(d.contact.phone, "+49301234567");
}

TEST(OrderData, RejectsAGermanPostcodeWithFourDigits) {
    auto d = valid_order();
    d.shipping.postal_code = "5114";
    EXPECT_EQ(code_of(validate(d), "shipping.postal_code"), "field.postal_code_invalid");
}

TEST(OrderData, AcceptsADutchPostcodeAndRejectsAnUnsupportedCountry) {
    auto d = valid_order();
    d.shipping.country = "NL";
    d.shipping.postal_code = "1012 AB";
    EXPECT_TRUE(validate(d).empty());
    d.shipping.country = "ZZ";
    EXPECT_EQ(code_of(validate(d), "shipping.country"), "field.country_unsupported");
}

TEST(OrderData, RejectsAnInvalidEmail) {
    for (const char* email : {"erika", "erika@", "@example.de", "erika@example",
                              "er ika@example.de", "erika@@example.de", "erika..m@example.de"}) {
        auto d = valid_order();
        d.contact.email = email;
        EXPECT_EQ(code_of(validate(d), "contact.email"), "field.email_invalid") << email;
    }
}

TEST(OrderData, RejectsAnInvalidPhoneNumber) {
    for (const char* phone : {"12", "abc", "+49 0000", "030 12"}) {
        auto d = valid_order();
        d.contact.phone = phone;
        EXPECT_EQ(code_of(validate(normalise(d)), "contact.phone"), "field.phone_invalid") << phone;
    }
}

TEST(OrderData, RejectsAMalformedVatId) {
    auto d = valid_order();
    d.billing.vat_id = "DE12345";
    EXPECT_EQ(code_of(validate(d), "billing.vat_id"), "field.vat_id_invalid");
    d.billing.vat_id = "de 123 456 789";
    EXPECT_TRUE(validate(normalise(d)).empty());
}

TEST(OrderData, ReportsEachMissingFieldAndTheDeclarations) {
    const auto errors = validate(OrderData{});
    EXPECT_EQ(code_of(errors, "contact.email"), "field.required");
    EXPECT_EQ(code_of(errors, "contact.phone"), "field.required");
    EXPECT_EQ(code_of(errors, "shipping.name"), "field.required");
    EXPECT_EQ(code_of(errors, "billing.street"), "field.required");
    EXPECT_EQ(code_of(errors, "declaration.name_and_attributes_unchanged"),
              "order.declaration_missing");
    EXPECT_EQ(code_of(errors, "declaration.terms_accepted"), "order.terms_not_accepted");
}

TEST(OrderData, RejectsLineBreaksAndBrokenUtf8) {
    auto d = valid_order();
    d.shipping.street = "Heidestraße 17\nVersand an: Mallory";
    d.shipping.city = std::string("K\xc3", 2);
    const auto errors = validate(d);
    EXPECT_EQ(code_of(errors, "shipping.street"), "field.invalid_characters");
    EXPECT_EQ(code_of(errors, "shipping.city"), "field.invalid_characters");
}

TEST(OrderData, EveryFieldRefusesWhatTheAgentWouldRefuseAndNamesItself) {
    // Direction overrides and marks, C1 controls, zero-width and tag characters, separators:
    // each would leave the holder stuck at the signing step, so each field refuses it here.
    for (const char* bad : {"\u202e", "\u200f", "\u061c", "\u0085", "\u200b", "\u2028",
                                  "\U000e0041", "\ufff9", "\u2066"}) {
        auto d = valid_order();
        d.shipping.street = std::string("Heidestra\u00dfe ") + bad + "17";
        d.billing.company = std::string("Kanzlei") + bad;
        d.shipping.name = std::string("Erika") + bad + " Mustermann";
        const auto errors = validate(d);
        EXPECT_EQ(code_of(errors, "shipping.street"), "field.invalid_characters");
        EXPECT_EQ(code_of(errors, "billing.company"), "field.invalid_characters");
        EXPECT_EQ(code_of(errors, "shipping.name"), "field.invalid_characters");
        EXPECT_EQ(code_of(errors, "shipping.city"), "");
    }
}

TEST(OrderData, RejectsAnOverlongField) {
    auto d = valid_order();
    d.shipping.city = std::string(500, 'x');
    EXPECT_EQ(code_of(validate(d), "shipping.city"), "field.too_long");
}

TEST(OrderData, RoundTripsThroughJson) {
    const auto d = valid_order();
    nlohmann::json j = d;
    const auto back = order_data_from_json(j);
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(back.billing.vat_id, "ATU12345678");
}

TEST(OrderData, WrongJsonTypeIsAMalformedRequest) {
    nlohmann::json j = valid_order();
    j["contact"]["email"] = 42;
    try {
        order_data_from_json(j);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "request.malformed");
    }
    EXPECT_THROW(order_data_from_json(nlohmann::json::array()), Error);
}

}  // namespace
}  // namespace sigcard::orders
