// The new order's own fields (person, ID document, certificate content, identification,
// declarations) with their German and English labels, as the page's form, the API's field
// errors and the documents name them. Contact, shipping and billing are the follow-up order's
// (orders/order_fields.hpp).
#pragma once

#include <span>
#include <string_view>

namespace sigcard::new_order {

struct ApplicationField {
    std::string_view name;  // as FieldError names it, e.g. "person.birth_date"
    std::string_view label_de;
    std::string_view label_en;
};

std::span<const ApplicationField> application_fields();
// nullptr for names that are not the new order's own.
const ApplicationField* application_field(std::string_view name);

}  // namespace sigcard::new_order
