// The new order's application form (templates/new_order.html): the posted fields read into an
// Application, an Application with its field errors turned back into template values (every
// entry kept, each error at its field, the summary naming them), and the name and attributes of
// an old certificate for a holder sent here from the follow-up path. Contact, addresses, the
// revocation password and the terms are the follow-up form's (order_form.hpp).
#pragma once

#include "config/trust_center_config.hpp"
#include "crypto/ossl.hpp"
#include "http/request.hpp"
#include "new_order/application.hpp"
#include "new_order/new_orders.hpp"
#include "portal/pages/page_support.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sigcard::portal::pages {

// The multipart form as posted: its text fields, and the proofs' files
// (certificate.<attribute>.proof.file; an empty file field is no upload).
struct NewOrderPost {
    http::QueryParameters form;
    std::vector<new_order::ProofUpload> uploads;
};
NewOrderPost split_new_order_post(const std::map<std::string, std::string, std::less<>>& fields);

// Field names are the FieldError names ("person.birth_date"); an attribute counts as asked for
// when its "…requested" box is ticked. With billing_same, billing is the shipping address.
new_order::Application read_new_order_form(const http::QueryParameters& form, bool& billing_same);

// Values for templates/new_order.html (without the terms, which the caller looks up).
PageValues new_order_form_values(const PageRequest& page, const new_order::Application& application,
                                 const std::vector<orders::FieldError>& errors, bool billing_same,
                                 const config::TrustCenterConfig& config, const std::string& price);

// Name and attributes of the old certificate (DER); an unreadable one gives an empty form.
new_order::Application carried_over_application(const ossl::Bytes& certificate_der);

}  // namespace sigcard::portal::pages
