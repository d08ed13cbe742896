// What a holder enters for an order (R5): contact data, shipping and billing address, and the
// declarations. Validation reports an error per field, so a form can mark each one.
#pragma once

#include "common/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sigcard::orders {

struct Contact {
    std::string email;
    std::string phone;  // as entered; normalised to E.164 by normalise()
};

struct PostalAddress {
    std::string name;           // recipient or person billed
    std::string company;        // optional
    std::string street;         // street and house number
    std::string address_extra;  // optional: c/o, floor …
    std::string postal_code;
    std::string city;
    std::string country = "DE";  // ISO 3166-1 alpha-2
};

struct BillingAddress : PostalAddress {
    std::string vat_id;  // optional, for companies
};

struct OrderData {
    Contact contact;
    PostalAddress shipping;
    BillingAddress billing;
    bool name_and_attributes_unchanged = false;  // the declaration of R6/R7
    bool terms_accepted = false;
};

struct FieldError {
    std::string field;  // e.g. "shipping.postal_code"
    const ErrorCode* code;
};

// Thrown when entered data is invalid: one error per field (code order.invalid_input).
class InvalidOrderData : public Error {
public:
    explicit InvalidOrderData(std::vector<FieldError> fields);
    const std::vector<FieldError>& fields() const noexcept { return fields_; }

private:
    std::vector<FieldError> fields_;
};

// Every problem, one per field (the first found for that field).
std::vector<FieldError> validate(const OrderData& data);
// The same for contact, shipping and billing alone: what every kind of order asks for; the
// declarations differ (a new order has no "unchanged" to declare).
std::vector<FieldError> validate_contact_and_addresses(const OrderData& data);

// The checks each entered text field gets, for the fields other intakes add: required, at most
// `max_bytes`, and the one rule of readable text (text/readable_text.hpp).
void check_text_field(std::vector<FieldError>& errors, const std::string& field,
                      const std::string& value, bool required, std::size_t max_bytes = 120);
// Leading and trailing spaces, tabs and line breaks removed.
std::string trimmed(const std::string& text);

// Trims whitespace, normalises the phone number to E.164 and upper-cases country and VAT id.
// Call before validate() and before the order document is rendered.
OrderData normalise(OrderData data);

// Countries the trust center ships to.
const std::vector<std::string>& supported_countries();

// A JSON object's member as a string, boolean or object; absent or null gives "", false or {}.
// Throws sigcard::Error(request.malformed) for another type.
std::string string_field(const nlohmann::json& j, const char* key);
bool bool_field(const nlohmann::json& j, const char* key);
const nlohmann::json& object_field(const nlohmann::json& j, const char* key);

void to_json(nlohmann::json& j, const OrderData& d);
// Throws sigcard::Error(request.malformed) when a field has the wrong JSON type.
OrderData order_data_from_json(const nlohmann::json& j);

}  // namespace sigcard::orders
