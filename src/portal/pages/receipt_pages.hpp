// The holder's card after production: revoking it with the card or the revocation password
// (/sperren), and
// confirming its receipt. The holder confirms receipt of the new card in the portal (after looking the order up on the
// status page): the page asks for a receipt statement, the card agent signs it with the new
// card, the portal checks it (authority/holder_receipt.hpp) and the certificate is released.
#pragma once

#include "authority/follow_up_production.hpp"
#include "config/trust_center_config.hpp"
#include "http/router.hpp"
#include "portal/pages/page_support.hpp"
#include "portal/pages/portal_request_signer.hpp"

namespace sigcard::portal::pages {

class ReceiptPages {
public:
    ReceiptPages(const config::TrustCenterConfig& config, authority::TrustCenterOrders& desk,
                 const PageSupport& support, const PortalRequestSigner& signer);

    void add_routes(http::Router& router);

private:
    http::Response receipt(PageRequest& page) const;
    http::Response statement_request(PageRequest& page) const;
    http::Response receive_signature(PageRequest& page) const;
    // Receipt with the activation code from the PIN letter instead of the card.
    http::Response receive_code(PageRequest& page) const;
    http::Response confirmed(PageRequest& page) const;
    // Revocation by the holder with the order number and the revocation password (/sperren).
    http::Response revoke_form(PageRequest& page) const;
    http::Response revoke(PageRequest& page) const;
    // Revocation with the card itself (revocation_pages.cpp): its certificate read through the
    // agent, a statement the card signs, the signature checked.
    http::Response receive_revoke_certificate(PageRequest& page) const;
    http::Response revoke_card_form(PageRequest& page) const;
    http::Response revoke_statement_request(PageRequest& page) const;
    http::Response receive_revoke_signature(PageRequest& page) const;
    http::Response revoked_page(PageRequest& page, const std::string& order_number,
                                const std::string& certificate_serial) const;

    const config::TrustCenterConfig& config_;
    authority::TrustCenterOrders& desk_;
    const PageSupport& support_;
    const PortalRequestSigner& signer_;
};

}  // namespace sigcard::portal::pages
