// The writer's part of follow-up submissions: on the group commit's thread, inside one
// transaction, every check of each submission against what is stored (draft, certificate status,
// eligibility, terms), then all accepted orders with one shared revocation evidence.
#pragma once

#include "cards/card_register.hpp"
#include "follow_up/eligibility_policy.hpp"
#include "follow_up/follow_up_context.hpp"
#include "orders/order_record.hpp"
#include "orders/order_store.hpp"
#include "pki/path_validation.hpp"
#include "storage/group_commit.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sigcard::orders {

using SubmissionDone =
    std::function<void(std::optional<SubmittedOrder> order, std::exception_ptr error)>;

// One holder's submission on its way through the group commit.
struct Submission final : storage::GroupCommit::Work {
    // Established on the submitting thread.
    std::string nonce;
    std::string document_sha256;  // of the signed document; empty when only signed_digest is known
    ossl::Bytes signed_digest;    // the signed message digest by digest_nid, when not SHA-256
    int digest_nid = 0;
    std::string signature_b64;
    std::string signature_sha256;
    ossl::X509Ptr signer;
    std::string signer_serial;
    bool issued_by_this_ca = false;
    pki::ValidationResult validation;  // all but the status from the store
    bool store_status_pending = false;
    std::int64_t now = 0;
    SubmissionDone done;

    // Established in the writer's transaction.
    std::optional<StoredDraft> draft;
    std::optional<pki::CertificateRecord> record;
    std::int64_t card_id = 0;
    std::optional<SubmittedOrder> order;
    std::exception_ptr refusal;

    void settle(std::exception_ptr failure) noexcept override;
};

class SubmissionWriter {
public:
    SubmissionWriter(const FollowUpContext& context, const EligibilityPolicy& policy);
    ~SubmissionWriter();
    // Finalises the statements prepared on the writer's connection, which must be closed after
    // them (SQLite refuses to close a connection with statements, and it would stay open).
    void release_statements();

    // The group commit's processor (storage::GroupCommit::Processor).
    void store(soci::session& session, storage::GroupCommit::Batch& batch);

private:
    struct Statements;
    void check(Statements& statements, Submission& submission);
    void store(Statements& statements, storage::GroupCommit::Batch& batch);

    const FollowUpContext& context_;
    const EligibilityPolicy& policy_;
    // Prepared on the writer's session, kept from batch to batch while it is the same.
    std::unique_ptr<Statements> statements_;
};

}  // namespace sigcard::orders
