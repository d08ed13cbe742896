#include "new_order/new_order_papers.hpp"

namespace sigcard::new_order {

documents::NewOrderPapers papers_of(const new_order::StoredNewOrder& order,
                                    const config::TrustCenterConfig& config,
                                    documents::Language language) {
    documents::NewOrderPapers p;
    p.trust_center = config.name;
    p.order_number = order.order.order_number;
    p.postident_reference = order.postident_reference;
    p.postident_billing_number = config.new_order.postident_billing_number;
    p.created_at = order.order.created_at;
    p.deadline = order.deadline;
    p.application = order.application;
    p.terms_version = order.terms_version;
    p.terms_sha256 = order.terms_sha256;
    p.price = order.price;
    p.document_sha256 = order.order.document_sha256;
    p.offices = config.registration_offices;
    p.language = language;
    return p;
}

std::optional<std::string> render_document(std::string_view name,
                                                     const documents::NewOrderPapers& papers) {
    if (name == "order-form") {
        return documents::render_new_order_form(papers);
    }
    if (name == "postident-coupon") {
        return documents::render_postident_coupon(papers);
    }
    if (name == "description") {
        return documents::render_new_order_description(papers);
    }
    return std::nullopt;
}

}  // namespace sigcard::new_order
