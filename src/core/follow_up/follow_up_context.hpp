// Everything the follow-up intake needs from around it; all owned elsewhere.
#pragma once

#include "config/trust_center_config.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/path_validation.hpp"
#include "storage/database.hpp"

#include <openssl/x509.h>

namespace sigcard::orders {

struct FollowUpContext {
    const config::TrustCenterConfig& config;
    storage::Database& database;
    const pki::PathValidator& validator;
    const pki::OcspResponder& ocsp;  // issues the revocation evidence kept with each order
    const X509* issuing_ca;
};

}  // namespace sigcard::orders
