// The follow-up order document: the exact text the holder signs with the card. Deterministic
// (same input, same bytes), human-readable UTF-8, German first and English below; it names every
// entered field, the holder's name and attributes from the certificate, the declaration, the
// terms version with its hash, the trust center, a server nonce and the time.
#pragma once

#include "orders/holder_facts.hpp"
#include "orders/order_data.hpp"
#include "orders/price.hpp"
#include "orders/terms.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sigcard::orders {

struct OrderDocumentInput {
    std::string trust_center;
    CertifiedHolder holder;
    OrderData data;  // normalised and validated
    std::string terms_version;
    std::string terms_sha256;
    Price price;  // of the new card, shown with VAT
    std::string nonce;
    std::int64_t created_at = 0;  // unix seconds, rendered in UTC
};

// Throws std::invalid_argument when a value holds a line break or control character: such a
// value could make two different orders read the same.
std::string render_order_document(const OrderDocumentInput& input);

std::string format_utc(std::int64_t unix_seconds);  // 2026-11-24T10:15:00Z

// The price exactly as a rendered document states it, in the German or English part; empty
// for documents from before prices were bound into them.
std::string price_in_document(std::string_view document, bool english);

}  // namespace sigcard::orders
