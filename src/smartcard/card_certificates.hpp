// The X.509 certificates stored on a card, and the choice of the qualified signing one with its
// private key (the pair is linked by CKA_ID).
#pragma once

#include "smartcard/card_session.hpp"
#include "crypto/ossl.hpp"

#include <string>
#include <vector>

namespace sigcard::smartcard {

struct CardCertificate {
    ossl::X509Ptr certificate;
    ossl::Bytes id;  // CKA_ID, shared with the private key
    std::string label;
};

std::vector<CardCertificate> read_certificates(const CardSession& session);

// The certificate whose keyUsage allows only/at least nonRepudiation (content commitment): the
// qualified signature certificate. Throws card.no_qualified_certificate.
CardCertificate qualified_signing_certificate(const CardSession& session);

// The private key with this CKA_ID. Throws card.key_not_found.
CK_OBJECT_HANDLE find_private_key(const CardSession& session, const ossl::Bytes& id);

}  // namespace sigcard::smartcard
