#include "documents/confirmation_builder.hpp"

#include "orders/holder_facts.hpp"
#include "orders/order_document.hpp"
#include "pki/qualified_profile.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace sigcard::documents {

OrderConfirmation ConfirmationBuilder::build(const orders::OrderRecord& order,
                                             Language language) const {
    const bool english = language == Language::english;
    OrderConfirmation c;
    c.trust_center = trust_center_;
    c.order_number = order.order_number;
    c.kind = order.kind;
    c.created_at = order.created_at;
    c.data = order.data;
    c.terms_version = order.terms_version;
    c.document_sha256 = order.document_sha256;
    c.language = language;
    c.price = orders::price_in_document(order.document, english);
    if (const auto terms = terms_.find(order.terms_version)) {
        c.terms_sha256 = terms->sha256;
    }
    const auto record = certificates_.find(order.certificate_serial);
    const auto cert = record ? ossl::x509_from_der(record->der) : nullptr;
    if (!cert) {
        throw std::runtime_error("signing certificate of an order is not in the store");
    }
    c.holder = orders::certified_holder(pki::read_holder_profile(cert.get()),
                                        order.certificate_serial);
    return c;
}

std::string ConfirmationBuilder::pdf(const orders::OrderRecord& order, Language language) const {
    return render_order_confirmation(build(order, language));
}

std::string confirmation_file_name(const std::string& order_number, Language language) {
    return fmt::format("{}-{}.pdf", language == Language::english ? "order" : "auftrag",
                       order_number);
}

}  // namespace sigcard::documents
