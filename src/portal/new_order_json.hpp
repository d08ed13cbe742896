// The new order API's body beyond the application itself: the proofs' files taken out of the
// JSON, and the revocation password.
#pragma once

#include "common/secret.hpp"
#include "new_order/new_orders.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace sigcard::portal {

// The files of the application's proofs: certificate.<attribute>.proof.file_base64, taken out of
// the JSON so the stored application keeps only their hashes. Throws MalformedRequest.
std::vector<new_order::ProofUpload> take_uploads(nlohmann::json& body);

// An optional string field holding a secret (empty when absent or null). Throws MalformedRequest.
Secret secret_field(const nlohmann::json& body, const char* key);

}  // namespace sigcard::portal
