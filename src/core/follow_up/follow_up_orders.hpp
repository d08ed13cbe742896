// The follow-up order (Folgeauftrag, R1–R7), one way into the order life: a holder proves with
// the card's certificate, the trust center decides eligibility, renders the order document for
// the data entered anew, and accepts it back only signed by that same card — verified, with
// revocation evidence, stored once in one transaction together with its audit record. What
// happens to the order after that is the order book's (orders/order_book.hpp).
#pragma once

#include "follow_up/eligibility_policy.hpp"
#include "follow_up/follow_up_context.hpp"
#include "follow_up/submission_writer.hpp"
#include "orders/holder_facts.hpp"
#include "orders/order_data.hpp"
#include "orders/order_record.hpp"
#include "orders/sql_order_store.hpp"
#include "orders/terms.hpp"
#include "pki/qualified_profile.hpp"
#include "storage/group_commit.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::orders {

// What the portal tells a holder after reading the card's certificate.
struct EligibilityReport {
    EligibilityDecision decision;
    std::string certificate_serial;
    std::int64_t not_after = 0;
    std::optional<pki::HolderProfile> profile;  // absent when the certificate could not be read
    CertifiedHolder holder;                     // name and attributes, labelled for display
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

class FollowUpOrders {
public:
    explicit FollowUpOrders(FollowUpContext context);
    ~FollowUpOrders();

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
    // Waits for the group commit (tests and tools); the portal uses submit_async.
    SubmittedOrder submit(const std::string& nonce, const std::string& document,
                          std::span<const std::uint8_t> signature_der, std::int64_t now);

    // submit() without waiting: checks the signature and the signer's certificate on the calling
    // thread (throwing what submit() throws for them), then queues the rest for the next group
    // commit and returns. `done` is called exactly once, on the group commit's thread, after the
    // order is durable (with the order) or refused (with the error as submit() would throw it).
    // Without `document` the signature must cover the draft's document: its signed digest is
    // compared with the draft's in the writer (the holder need not send the bytes back).
    void submit_async(const std::string& nonce, std::optional<std::string_view> document,
                      std::span<const std::uint8_t> signature_der, std::int64_t now,
                      SubmissionDone done);

private:
    // The holder's certificate as the validator has seen and checked it before (the same bytes
    // arrive with eligibility, draft and order), else freshly parsed; nullptr when malformed.
    ossl::X509Ptr parsed_certificate(std::span<const std::uint8_t> der) const;
    void purge_expired_drafts(std::int64_t now, std::int64_t max_age);

    FollowUpContext context_;
    EligibilityPolicy policy_;
    TermsCatalogue terms_;
    cards::CardRegister cards_;
    SqlDraftStore drafts_;
    std::atomic<std::int64_t> last_purge_{0};
    SqlOrderStore orders_;
    SubmissionWriter writer_;
    // Last: its writer thread uses the members above and is joined first on destruction.
    storage::GroupCommit submissions_;  // submitted orders share transactions (one fsync)
};

}  // namespace sigcard::orders
