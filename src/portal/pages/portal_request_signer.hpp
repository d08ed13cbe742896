// The portal's request-signing key: the card agent signs an order document only when the portal
// vouched for it with a signed {origin, document_sha256, certificate_sha256, nonce, issued_at,
// expires_at} (see the agent's portal_request.hpp): this document, signed by the card with this
// certificate only. The key is an EC P-256 key with a self-issued certificate, kept
// in the trust center's tls/ folder; the agent pins that certificate per portal origin.
#pragma once

#include "crypto/ossl.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace sigcard::portal::pages {

struct SignedPortalRequest {
    std::string portal_request;    // JSON text, exactly the signed bytes
    std::string portal_signature;  // base64 of the DER ECDSA/SHA-256 signature
};

class PortalRequestSigner {
public:
    // Reads folder/request-signing.key and .pem; creates both (key file mode 0600) when neither
    // exists. Throws std::runtime_error when only one exists or they do not belong together.
    static PortalRequestSigner load_or_create(const std::filesystem::path& folder);

    // A request with a fresh nonce each time.
    SignedPortalRequest sign(const std::string& origin, const std::string& document_sha256,
                             const std::string& certificate_sha256, std::int64_t issued_at,
                             std::int64_t expires_at) const;

    const X509* certificate() const noexcept { return certificate_.get(); }

    static constexpr const char* key_file = "request-signing.key";
    static constexpr const char* certificate_file = "request-signing.pem";

private:
    PortalRequestSigner(ossl::EvpPkeyPtr key, ossl::X509Ptr certificate)
        : key_(std::move(key)), certificate_(std::move(certificate)) {}

    ossl::EvpPkeyPtr key_;
    ossl::X509Ptr certificate_;
};

}  // namespace sigcard::portal::pages
