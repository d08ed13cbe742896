// Proofs an applicant uploads for a certificate attribute (admission, procuration, limit,
// restriction): recognised by their content (PDF, JPEG, PNG — never by name or declared type),
// limited in size, PDFs without scripts, embedded files or actions (read with qpdf), and kept
// encrypted at rest (XChaCha20-Poly1305, libsodium) until the back office has checked them.
#pragma once

#include "common/error.hpp"
#include "common/secret.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sigcard::new_order {

struct AcceptedProof {
    std::string attribute;   // profession | procuration | monetary_limit | restriction
    std::string media_type;  // application/pdf | image/jpeg | image/png
    std::string content;     // the file's bytes
    std::string sha256;      // hex, of content
};

// The media type the bytes are, or nullopt when they are none of PDF, JPEG, PNG.
std::optional<std::string> recognised_media_type(std::string_view content);

// Checks one upload for `attribute`. Throws Error with new_order.proof_type,
// new_order.proof_too_large or new_order.proof_active_content.
AcceptedProof accept_proof(const std::string& attribute, std::string content,
                           std::size_t max_bytes);

// The key that seals personal data at rest: 32 random bytes, hex in a file only the trust
// center's user reads (made at `sigcard init`, or at first use for a trust center made before).
class DataKey {
public:
    static DataKey load_or_create(const std::filesystem::path& file);

    // nonce || ciphertext with tag, bound to `context` (e.g. the order number and attribute):
    // a sealed value moved to another order does not open.
    std::string seal(std::string_view plain, std::string_view context) const;
    // Throws std::runtime_error when the value was changed or belongs to another context.
    std::string open(std::string_view sealed, std::string_view context) const;
    // HMAC-SHA-256 under a key derived from this one, for secrets the trust center hands out
    // and recognises again without storing them (document links).
    std::string mac(std::string_view purpose, std::string_view message) const;

private:
    explicit DataKey(Secret key) : key_(std::move(key)) {}
    Secret key_;
};

}  // namespace sigcard::new_order
