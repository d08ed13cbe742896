// The invoice of an order as PDF (German first, English beside): seller, buyer with company and
// VAT id where given, invoice number and date, the order, net, VAT rate, VAT and gross.
#pragma once

#include "invoices/invoices.hpp"

#include <string>

namespace sigcard::documents {

struct Seller {
    std::string name;
    std::string address;  // lines separated by ", "
    std::string vat_id;
};

std::string render_invoice(const invoices::Invoice& invoice, const Seller& seller);

}  // namespace sigcard::documents
