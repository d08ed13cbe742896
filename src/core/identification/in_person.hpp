// Identification in person at a registration office (R12): a registration officer checks the
// applicant's ID document (type, number, authority, dates — compared with the order), makes the
// ID copy in the applicant's presence (id_copy.hpp) and confirms that the document stayed in the
// applicant's hands and the copy was made in their presence. There is no field and no step for a
// document handed over or deposited. The record is signed with the officer's card; then, in one
// transaction, it is stored, the copy's pages are stored encrypted (AES-256-GCM, a key per page
// wrapped by a key that never leaves the HSM), and the order is identified.
#pragma once

#include "common/secret.hpp"
#include "config/trust_center_config.hpp"
#include "identification/id_copy.hpp"
#include "new_order/proofs.hpp"
#include "operators/operator_register.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sigcard::identification {

namespace errors {
inline constexpr ErrorCode not_awaiting_identification{
    "identification.not_awaiting",
    "Dieser Auftrag wartet nicht auf eine Identifizierung.",
    "This order is not waiting for an identification."};
inline constexpr ErrorCode confirmation_missing{
    "identification.confirmation_missing",
    "Bitte bestätigen Sie, dass der Ausweis in der Hand des Antragstellers blieb und die Kopie in "
    "seiner Anwesenheit gemacht wurde.",
    "Please confirm that the ID document stayed in the applicant's hands and the copy was made in "
    "their presence."};
inline constexpr ErrorCode document_differs{
    "identification.document_differs",
    "Der vorgelegte Ausweis stimmt nicht mit den Angaben im Auftrag überein.",
    "The ID document shown does not match the order."};
inline constexpr ErrorCode document_expires_soon{
    "identification.document_expires_soon",
    "Der Ausweis ist nicht mehr lange genug gültig.",
    "The ID document is not valid for long enough."};
inline constexpr ErrorCode copy_missing{
    "identification.copy_missing",
    "Zur Identifizierung gehört die Ausweiskopie (Vorder- und Rückseite).",
    "The identification needs the ID copy (front and back)."};
inline constexpr ErrorCode record_signature_invalid{
    "identification.record_signature_invalid",
    "Das Identifizierungsprotokoll ist nicht mit Ihrer Mitarbeiterkarte signiert.",
    "The identification record is not signed with your operator card."};
}  // namespace errors

// Who may open an ID copy or an identification record: registration officers, approvers and
// auditors — never production, shipping, administrators or chamber staff.
bool may_read_identification(const operators::Operator& who);

// Wraps the per-page keys of ID copies (authority: a key in the HSM).
class KeyWrapper {
public:
    virtual ~KeyWrapper() = default;
    virtual std::string wrap(std::span<const std::uint8_t> key, std::string_view aad) = 0;
    virtual Secret unwrap(std::string_view wrapped, std::string_view aad) = 0;
};

struct CheckedDocument {
    std::string type;  // id_card | passport
    std::string number;
    std::string authority;
    std::string issued_on;   // YYYY-MM-DD
    std::string expires_on;  // YYYY-MM-DD
};

struct InPersonIdentification {
    std::string order_number;
    CheckedDocument document;
    std::vector<ScanPage> scans;
    std::vector<std::string> blackout;  // fields the applicant asked to black out
    // The officer's confirmation (R12): both must be given.
    bool document_stayed_with_applicant = false;
    bool copy_made_in_presence = false;
};

// Checked and processed; waits for the officer's signature over `record`.
struct PreparedIdentification {
    std::string order_number;
    std::string officer;
    std::string officer_certificate_serial;
    std::string record;  // canonical JSON: exactly what the officer's card signs
    std::string record_sha256;
    std::vector<ProcessedPage> pages;
    std::vector<std::string> blackened;
};

struct IdentificationContext {
    const config::TrustCenterConfig& config;
    storage::Database& db;
    KeyWrapper& keys;
    IdCopyPolicy policy;
};

// The ID copy of an order is kept [retention.identification] finished_years past the expiry of the certificate
// it was made for (production calls this with the new certificate). No key is needed for it.
void set_id_copy_retention(storage::Database& db, const config::TrustCenterConfig& config,
                           const std::string& order_number, std::int64_t certificate_not_after);

class InPersonIdentifications {
public:
    explicit InPersonIdentifications(IdentificationContext context) : context_(context) {}

    // Throws operator.role_required, identification.* and id_copy.* errors; stores nothing.
    PreparedIdentification prepare(const InPersonIdentification& entry,
                                   const operators::Operator& officer, std::int64_t now) const;
    // Checks the officer's CAdES signature over the record (by exactly their registered
    // certificate), then stores record and copy and identifies the order, in one transaction.
    void complete(const PreparedIdentification& prepared, std::span<const std::uint8_t> cms,
                  std::int64_t now);

    // The decrypted pages of an order's ID copy, for an operator who may see it; the reading is
    // in the audit log with who and why.
    std::vector<ProcessedPage> read_copy(const std::string& order_number,
                                         const operators::Operator& reader,
                                         const std::string& reason);
    // The signed record of an order's identification in person (canonical JSON), if it has one.
    std::optional<std::string> record_of(const std::string& order_number) const;

    // The copy is kept [retention.identification] finished_years past the certificate's expiry.
    void set_retention(const std::string& order_number, std::int64_t certificate_not_after);
    // Deletes the copies whose time is up, each with a deletion record; returns how many.
    int delete_due(std::int64_t now);

    // A prepared identification kept between the page that prepared it and the signature (any
    // instance), sealed with `sealing` (the data key); taken back by the same officer only, within
    // `pending_lifetime`.
    void keep_pending(const PreparedIdentification& prepared, const new_order::DataKey& sealing,
                      std::int64_t now);
    std::optional<PreparedIdentification> pending(const std::string& order_number,
                                                  const std::string& officer,
                                                  const new_order::DataKey& sealing,
                                                  std::int64_t now) const;
    static constexpr std::int64_t pending_lifetime = 15 * 60;

    const IdCopyPolicy& policy() const { return context_.policy; }

private:
    IdentificationContext context_;
};

}  // namespace sigcard::identification
