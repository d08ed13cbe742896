// ETSI EN 319 412-5 qcStatements (1.3.6.1.5.5.7.1.3): what makes a certificate qualified.
#pragma once

#include "crypto/ossl.hpp"
#include "pki/qualified_profile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sigcard::pki {

namespace oid {
inline constexpr const char* qc_statements = "1.3.6.1.5.5.7.1.3";
inline constexpr const char* qc_compliance = "0.4.0.1862.1.1";
inline constexpr const char* qc_limit_value = "0.4.0.1862.1.2";
inline constexpr const char* qc_sscd = "0.4.0.1862.1.4";
inline constexpr const char* qc_pds = "0.4.0.1862.1.5";
inline constexpr const char* qc_type = "0.4.0.1862.1.6";
inline constexpr const char* qc_type_esign = "0.4.0.1862.1.6.1";
inline constexpr const char* qcs_pkix_syntax_v2 = "1.3.6.1.5.5.7.11.2";
inline constexpr const char* semantics_natural_person = "0.4.0.194121.1.1";
inline constexpr const char* qcp_n_qscd = "0.4.0.194112.1.2";
}  // namespace oid

struct PdsLocation {
    std::string url;
    std::string language;  // ISO 639-1, e.g. "en"
    bool operator==(const PdsLocation&) const = default;
};

struct QcStatements {
    bool compliance = false;
    bool sscd = false;
    std::vector<std::string> types;  // e.g. esign
    std::vector<PdsLocation> pds;
    std::optional<std::string> semantics_identifier;
    std::optional<MonetaryLimit> limit_value;
    bool operator==(const QcStatements&) const = default;
};

// The statements of a qualified signature certificate on a QSCD for a natural person.
QcStatements qualified_esign_statements(std::string pds_en, std::string pds_de,
                                        std::optional<MonetaryLimit> limit = std::nullopt);

ossl::X509ExtensionPtr qc_statements_extension(const QcStatements& statements);

// nullopt when the certificate carries no qcStatements; throws pki.malformed_profile when broken.
std::optional<QcStatements> read_qc_statements(const X509* cert);

// An extension with DER content under an OID given as text.
ossl::X509ExtensionPtr der_extension(const char* oid, const ossl::Bytes& der,
                                     bool critical = false);
// The DER content of the extension with this OID, or nullopt.
std::optional<ossl::Bytes> extension_der(const X509* cert, const char* oid);

}  // namespace sigcard::pki
