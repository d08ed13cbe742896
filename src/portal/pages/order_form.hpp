// The follow-up order's data form (step 3, R5): contact, shipping and billing address and the
// terms. Reads the posted fields into OrderData and turns OrderData with its field errors back
// into template values, so every error stands next to its field and every entry is kept.
#pragma once

#include "common/secret.hpp"
#include "orders/order_data.hpp"
#include "http/request.hpp"
#include "portal/pages/page_support.hpp"

#include <string>
#include <vector>

namespace sigcard::portal::pages {

// Field names are the FieldError names ("shipping.postal_code"); the declaration of step 2 is
// not part of this form. With billing_same, the billing address is the shipping address.
OrderForm read_order_form(const http::QueryParameters& form);

// The data the order is drafted from: billing filled from shipping when billing_same.
orders::OrderData effective_order_data(const OrderForm& form, bool declared_unchanged);

// Values for templates/order_form.html: fieldsets with fields (id, name, label, value, error),
// the country choices and the errors that belong to no field. The revocation password fields
// are always shown empty.
PageValues order_form_values(const PageRequest& page, const OrderForm& form,
                             const std::vector<orders::FieldError>& errors);

// The revocation password and its repetition as posted (never kept in the session).
struct RevocationPasswordEntry {
    Secret password;
    Secret repeated;
};
RevocationPasswordEntry read_revocation_password(const http::QueryParameters& form);

// "shipping.postal_code" → "shipping-postal_code": ids usable in CSS selectors and tests.
std::string field_id(std::string_view field_name);

}  // namespace sigcard::portal::pages
