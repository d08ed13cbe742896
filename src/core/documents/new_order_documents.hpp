// The three documents of a new order (R14), each a PDF (A4) in German or English:
// - the order form (Auftrag): every entered field, the terms and price bound into it, lines for
//   place, date and the handwritten signature, and a Data Matrix with the order number and the
//   SHA-256 of the order document, so the back office finds the order from the paper;
// - the PostIdent coupon (R13): the trust center's billing number, the reference in plain text
//   and as a Code 128 bar code, the applicant's name, "valid until" printed large, what to bring;
// - the description: how PostIdent and the identification in person work, the ID copy rules
//   (R10–R12), what happens next and how long it takes.
#pragma once

#include "config/trust_center_config.hpp"
#include "documents/order_confirmation.hpp"
#include "new_order/application.hpp"
#include "orders/price.hpp"

#include <cstdint>
#include <string>

namespace sigcard::documents {

struct NewOrderPapers {
    std::string trust_center;
    std::string order_number;
    std::string postident_reference;
    std::string postident_billing_number;
    std::int64_t created_at = 0;
    std::int64_t deadline = 0;
    new_order::Application application;
    std::string terms_version;
    std::string terms_sha256;
    orders::Price price;
    std::string document_sha256;
    std::vector<config::RegistrationOffice> offices;  // for "in person"
    Language language = Language::german;
};

// What the order form's Data Matrix holds: "<order number> <SHA-256 hex>".
std::string order_form_scan_text(const NewOrderPapers& papers);

// Each returns the PDF's bytes; values are printed as text, never interpreted as markup.
std::string render_new_order_form(const NewOrderPapers& papers);
std::string render_postident_coupon(const NewOrderPapers& papers);
std::string render_new_order_description(const NewOrderPapers& papers);

}  // namespace sigcard::documents
