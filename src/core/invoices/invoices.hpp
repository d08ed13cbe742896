// An invoice per order, issued when its card is shipped: seller from sigcard.toml, buyer from the
// order's billing address (company and VAT id where given), the price the order was placed at
// (net, VAT rate, VAT, gross). Numbers run per year without gaps even when a transaction fails:
// the number is drawn inside the caller's transaction. The accounting export is CSV.
#pragma once

#include "orders/order_data.hpp"
#include "orders/price.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::invoices {

struct Invoice {
    std::string number;  // "2026-000001"
    std::string order_number;
    std::int64_t issued_at = 0;
    orders::BillingAddress buyer;
    std::string buyer_email;
    std::string description;
    orders::Price price;
};

struct InvoiceInput {
    std::int64_t order_id = 0;
    std::string order_number;
    orders::OrderData data;  // billing address and contact
    std::string description;
    orders::Price price;
};

// Inside the caller's transaction (the shipment's). Draws the next number of the year of `now`.
Invoice issue(soci::session& s, storage::Dialect dialect, const InvoiceInput& input,
              const std::string& actor, std::int64_t now);

std::optional<Invoice> invoice_of(storage::Database& db, const std::string& order_number);
// Issued in [from, to) (unix seconds), by number.
std::vector<Invoice> issued_between(storage::Database& db, std::int64_t from, std::int64_t to);

// One line per invoice with a header: number, date, order, buyer, company, VAT id, country, net,
// VAT rate, VAT, gross (amounts in euros with a point). Fields quoted as RFC 4180 wants.
std::string to_csv(const std::vector<Invoice>& invoices);

}  // namespace sigcard::invoices
