// The order confirmation the holder receives after submitting a signed order: a PDF (A4) with
// the order number and its scan code, a summary of everything ordered, what happens next, and
// the hash of the signed order document.
#pragma once

#include "orders/order_data.hpp"
#include "orders/order_document.hpp"
#include "orders/order_life.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sigcard::documents {

enum class Language { german, english };

struct OrderConfirmation {
    std::string trust_center;
    std::string order_number;
    orders::OrderKind kind = orders::OrderKind::follow_up;
    std::int64_t created_at = 0;     // unix seconds; shown as Berlin time with its zone, and UTC
    orders::CertifiedHolder holder;  // name, attributes and serial of the certificate that signed
    orders::OrderData data;          // contact, shipping and billing address, as stored
    std::string terms_version;
    std::string terms_sha256;     // hex
    std::string document_sha256;  // hex, of the signed order document's bytes
    std::string price;  // as the signed document states it (orders::price_in_document)
    Language language = Language::german;
};

// The PDF's bytes. Values are printed as text, never interpreted as markup. Throws
// std::runtime_error when cairo cannot produce the document.
std::string render_order_confirmation(const OrderConfirmation& confirmation);

}  // namespace sigcard::documents
