// The follow-up order (Folgeauftrag, R1–R7): a holder proves with the card's certificate, the
// trust center decides eligibility, renders the order document for the data entered anew, and
// accepts it back only signed by that same card — verified, with revocation evidence, stored
// once in one transaction together with its audit record.
#pragma once

#include "cards/card_register.hpp"
#include "config/trust_center_config.hpp"
#include "orders/eligibility_policy.hpp"
#include "orders/order_data.hpp"
#include "orders/order_document.hpp"
#include "orders/terms.hpp"
#include "pki/ocsp_responder.hpp"
#include "pki/path_validation.hpp"
#include "pki/qualified_profile.hpp"
#include "storage/database.hpp"
#include "storage/group_commit.hpp"

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::audit {
class Appender;
}

namespace sigcard::orders {

enum class OrderState { submitted, approved, in_production, shipped, active, rejected, cancelled };
std::string_view to_string(OrderState state);
std::optional<OrderState> order_state_from(std::string_view text);
bool is_open(OrderState state);

// What the portal tells a holder after reading the card's certificate.
struct EligibilityReport {
    EligibilityDecision decision;
    std::string certificate_serial;
    std::int64_t not_after = 0;
    std::optional<pki::HolderProfile> profile;  // absent when the certificate could not be read
    CertifiedHolder holder;                     // name and attributes, labelled for display
};

// Thrown when entered data is invalid: one error per field (code order.invalid_input).
class InvalidOrderData : public Error {
public:
    explicit InvalidOrderData(std::vector<FieldError> fields);
    const std::vector<FieldError>& fields() const noexcept { return fields_; }

private:
    std::vector<FieldError> fields_;
};

// Thrown when the card may not place the order (code eligibility.*), with the whole decision, so
// an answer can show the way forward: the open order, the partner, when the window opens.
class EligibilityRefused : public Error {
public:
    EligibilityRefused(EligibilityDecision decision, std::string certificate_serial);
    const EligibilityDecision& decision() const noexcept { return decision_; }

private:
    EligibilityDecision decision_;
};

struct OrderDraft {
    std::string nonce;
    std::string document;  // exactly the bytes to sign (UTF-8 text)
    std::string document_sha256;
    TermsVersion terms;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
};

struct SubmittedOrder {
    std::string order_number;
    OrderState state = OrderState::submitted;
    std::int64_t created_at = 0;
    bool already_submitted = false;  // the same signed document was submitted before
};

struct OrderEvent {
    std::int64_t at = 0;
    std::optional<OrderState> from;
    OrderState to = OrderState::submitted;
    std::string actor;
    std::string note;
};

struct OrderRecord {
    std::int64_t id = 0;
    std::string order_number;
    OrderState state = OrderState::submitted;
    std::int64_t card_id = 0;
    std::optional<std::int64_t> new_card_id;
    std::string certificate_serial;
    OrderData data;
    std::string terms_version;
    std::string document;  // the signed bytes
    std::string document_sha256;
    ossl::Bytes signature;            // CMS DER
    ossl::Bytes revocation_evidence;  // OCSP response DER
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<OrderEvent> events;
};

// Everything the service needs from around it; all owned elsewhere.
struct FollowUpContext {
    const config::TrustCenterConfig& config;
    storage::Database& database;
    const pki::PathValidator& validator;
    const pki::OcspResponder& ocsp;  // issues the revocation evidence kept with each order
    const X509* issuing_ca;
};

class FollowUpOrders {
public:
    explicit FollowUpOrders(FollowUpContext context);

    // Step 1–2: the card's certificate (DER) → eligibility with reason, name and attributes.
    // Bad DER is not an exception: the report says certificate_invalid.
    EligibilityReport check(std::span<const std::uint8_t> certificate_der, std::int64_t now) const;

    // Step 3–4: validates the entered data (InvalidOrderData), re-checks eligibility (Error with
    // the eligibility code), binds the terms in force and renders the document with a fresh
    // nonce. Nothing is stored but the draft.
    // `revocation_password_hash`: the Argon2id hash of the new card's revocation password,
    // stored with the draft (never in the document).
    OrderDraft create_draft(std::span<const std::uint8_t> certificate_der, const OrderData& data,
                            std::int64_t now, const std::string& revocation_password_hash = {});

    // Step 5: the signed document. Checks signature, signer = the draft's certificate, live
    // revocation status, nonce (known, unused, fresh), terms still current, eligibility; then
    // stores order, document, signature and OCSP evidence in one transaction with an audit
    // record. The same signed document twice gives the same order (already_submitted).
    SubmittedOrder submit(const std::string& nonce, const std::string& document,
                          std::span<const std::uint8_t> signature_der, std::int64_t now);

    // submit() without waiting: checks the signature and the signer's certificate on the calling
    // thread (throwing what submit() throws for them), then queues the rest for the next group
    // commit and returns. `done` is called exactly once, on the group commit's thread, after the
    // order is durable (with the order) or refused (with the error as submit() would throw it).
    using SubmissionDone =
        std::function<void(std::optional<SubmittedOrder> order, std::exception_ptr error)>;
    // Without `document` the signature must cover the draft's document: its signed digest is
    // compared with the draft's in the writer (the holder need not send the bytes back).
    void submit_async(const std::string& nonce, std::optional<std::string_view> document,
                      std::span<const std::uint8_t> signature_der, std::int64_t now,
                      SubmissionDone done);

    ~FollowUpOrders();

    std::optional<OrderRecord> find(const std::string& order_number) const;
    // For holders: the order only when the email matches (else nullopt, no hint which was wrong).
    std::optional<OrderRecord> find_for_holder(const std::string& order_number,
                                               const std::string& email) const;
    std::vector<OrderRecord> list(std::optional<OrderState> state = std::nullopt) const;

    // Back office and production. Each checks the current state (order.invalid_transition) and
    // records an event and an audit record.
    void approve(const std::string& order_number, const std::string& actor, std::int64_t now);
    void reject(const std::string& order_number, const std::string& actor,
                const std::string& reason, std::int64_t now);
    void cancel(const std::string& order_number, const std::string& actor, std::int64_t now);
    // The holder withdraws an order nobody has approved yet (order.invalid_transition after).
    void cancel_by_holder(const std::string& order_number, std::int64_t now);
    // approved → in_production; the caller produces the card, then calls mark_shipped.
    void start_production(const std::string& order_number, const std::string& actor,
                          std::int64_t now);
    void mark_shipped(const std::string& order_number, std::int64_t new_card_id,
                      const std::string& actor, std::int64_t now);
    // shipped → active: the caller releases the new certificate's hold in the same step.
    void mark_active(const std::string& order_number, const std::string& actor, std::int64_t now);

    // The holder as the certificate states it, labelled for the document and the pages.
    static CertifiedHolder certified_holder(const pki::HolderProfile& profile,
                                            const std::string& certificate_serial);

private:
    // The holder's certificate as the validator has seen and checked it before (the same bytes
    // arrive with eligibility, draft and order), else freshly parsed; nullptr when malformed.
    ossl::X509Ptr parsed_certificate(std::span<const std::uint8_t> der) const;
    EligibilityFacts facts_for(const X509* cert, const pki::ValidationResult& validation) const;
    // The writer thread's part of submissions: one transaction, one evidence, many orders.
    void store_submissions(soci::session& session, storage::GroupCommit::Batch& batch);
    struct WriterStatements;
    void store_submissions(soci::session& session, WriterStatements& statements,
                           storage::GroupCommit::Batch& batch);
    void transition(const std::string& order_number, std::initializer_list<OrderState> from,
                    OrderState to, const std::string& actor, const std::string& note,
                    std::int64_t now, std::optional<std::int64_t> new_card_id = std::nullopt);

    FollowUpContext context_;
    EligibilityPolicy policy_;
    TermsCatalogue terms_;
    cards::CardRegister cards_;
    // The writer's prepared statements, kept from batch to batch on the same session.
    std::unique_ptr<WriterStatements> writer_statements_;
    // Last: its writer thread uses the members above and is joined first on destruction.
    storage::GroupCommit submissions_;  // submitted orders share transactions (one fsync)
};

}  // namespace sigcard::orders
