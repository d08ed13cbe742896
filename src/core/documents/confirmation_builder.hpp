// The one builder of an order's confirmation, for every surface that hands it out (the API, the
// pages): from the stored order, with the holder's name and attributes as the signing
// certificate states them — never as anyone typed them.
#pragma once

#include "documents/order_confirmation.hpp"
#include "orders/order_record.hpp"
#include "orders/terms.hpp"
#include "pki/certificate_store.hpp"

#include <string>

namespace sigcard::documents {

class ConfirmationBuilder {
public:
    ConfirmationBuilder(std::string trust_center, const orders::TermsCatalogue& terms,
                        const pki::CertificateStore& certificates)
        : trust_center_(std::move(trust_center)), terms_(terms), certificates_(certificates) {}

    // Throws std::runtime_error when the signing certificate is not in the store.
    OrderConfirmation build(const orders::OrderRecord& order, Language language) const;
    // The PDF's bytes (render_order_confirmation of build()).
    std::string pdf(const orders::OrderRecord& order, Language language) const;

private:
    std::string trust_center_;
    const orders::TermsCatalogue& terms_;
    const pki::CertificateStore& certificates_;
};

// "auftrag-FA-….pdf" / "order-FA-….pdf"
std::string confirmation_file_name(const std::string& order_number, Language language);

}  // namespace sigcard::documents
