// The trust center's record of every certificate it issued and its revocation status
// (table `certificates`), and of the CRLs it published (table `crls`).
#pragma once

#include "crypto/ossl.hpp"
#include "storage/database.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::pki {

using Seconds = std::chrono::sys_seconds;

enum class CertificateRole { root_ca, issuing_ca, ocsp_signer, tls, holder };
enum class CertificateStatus { good, revoked, on_hold };

std::string_view to_string(CertificateRole role);
std::string_view to_string(CertificateStatus status);

// RFC 5280 CRLReason.
enum class RevocationReason : int;
// "keyCompromise" … as RFC 5280 spells them; nullopt for an unknown name.
std::optional<RevocationReason> revocation_reason_from(std::string_view name);
std::string_view to_string(RevocationReason reason);

enum class RevocationReason : int {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    privilege_withdrawn = 9,
    aa_compromise = 10,
};

struct CertificateRecord {
    std::string serial;  // lower-case hex, no leading zeros
    CertificateRole role = CertificateRole::holder;
    std::optional<std::string> issuer_serial;
    std::string subject;
    Seconds not_before;
    Seconds not_after;
    ossl::Bytes der;
    CertificateStatus status = CertificateStatus::good;
    std::optional<RevocationReason> reason;
    std::optional<Seconds> revoked_at;
};

class CertificateStore {
public:
    explicit CertificateStore(storage::Database& db) : db_(db) {}

    // `issuer` is nullptr for a self-signed root.
    void record(const X509* cert, CertificateRole role, const X509* issuer, Seconds issued_at);
    std::optional<CertificateRecord> find(std::string_view serial) const;
    // Every certificate of a role, oldest first (for operators' listings).
    std::vector<CertificateRecord> list(CertificateRole role) const;
    // Certificates of this issuer that are revoked or on hold, oldest revocation first.
    std::vector<CertificateRecord> revoked_by(std::string_view issuer_serial) const;

    // Moves the certificate to `status` if it is in one of `from`, in one statement so two
    // operators cannot race. False when it was not in `from` (or is unknown). See revocation.hpp.
    bool change_status(std::string_view serial, std::initializer_list<CertificateStatus> from,
                       CertificateStatus status, std::optional<RevocationReason> reason,
                       std::optional<Seconds> at);

    // Reserves the next CRL number for this issuer and remembers the CRL.
    long next_crl_number(std::string_view issuer_serial);
    void record_crl(std::string_view issuer_serial, long number, Seconds this_update,
                    const ossl::Bytes& der);

    // The newest CRL this issuer published, as recorded.
    struct PublishedCrl {
        long number = 0;
        Seconds this_update;
        ossl::Bytes der;
    };
    std::optional<PublishedCrl> latest_crl(std::string_view issuer_serial) const;

    storage::Database& database() { return db_; }

    // find() as one statement prepared once on a session the caller holds, for a writer that
    // looks up many certificates in one transaction.
    class Lookup {
    public:
        explicit Lookup(soci::session& s);
        std::optional<CertificateRecord> find(const std::string& serial);

    private:
        std::string serial_;
        soci::row row_;
        soci::statement statement_;
    };

private:
    storage::Database& db_;
};

}  // namespace sigcard::pki
