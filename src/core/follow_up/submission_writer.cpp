#include "follow_up/submission_writer.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "follow_up/eligibility_errors.hpp"
#include "follow_up/eligibility_facts.hpp"
#include "follow_up/evidence_thread.hpp"
#include "follow_up/follow_up_orders.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_number.hpp"
#include "orders/terms.hpp"
#include "pki/certificate_store.hpp"
#include "pki/evidence_rows.hpp"
#include "storage/savepoint.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace sigcard::orders {

namespace {

std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A used draft's order: the same signature again is a retry and gets that order; any other
// signature for the draft is a replay.
SubmittedOrder answer_used_draft(OrderBatch& orders, std::int64_t order_id,
                                 const std::string& signature_sha256) {
    const auto used = orders.order_by_id(order_id);
    if (!used || used->signature_sha256 != signature_sha256) {
        throw Error(errors::nonce_replayed);
    }
    return {used->order_number, used->state, used->created_at, true};
}

}  // namespace

void Submission::settle(std::exception_ptr failure) noexcept {
    try {
        if (failure) {
            done(std::nullopt, failure);
        } else if (refusal) {
            done(std::nullopt, refusal);
        } else {
            done(order, nullptr);
        }
    } catch (const std::exception& e) {
        spdlog::error("order submission: completion failed: {}", e.what());
    }
}

// Constructed inside a transaction: the appender reads (locks) the audit head.
struct SubmissionWriter::Statements {
    Statements(soci::session& s, storage::Dialect dialect)
        : session(&s),
          audit(s, dialect),
          orders(prepare_order_batch(s)),
          certificates(s),
          cards(s),
          terms(s),
          savepoint(s, "submission"),
          evidence(s) {}

    soci::session* session;
    audit::Appender audit;
    std::unique_ptr<OrderBatch> orders;
    pki::CertificateStore::Lookup certificates;
    cards::CardRegister::EligibilityLookup cards;
    TermsCatalogue::VersionLookup terms;
    storage::Savepoint savepoint;
    pki::EvidenceRows evidence;
    EvidenceThread evidence_thread;
    // The terms in force, looked up once per second of submission time: the check compares
    // versions, the terms' text need not be read.
    std::optional<std::pair<std::int64_t, std::optional<std::string>>> terms_at;
};

SubmissionWriter::SubmissionWriter(const FollowUpContext& context, const EligibilityPolicy& policy)
    : context_(context), policy_(policy) {}

SubmissionWriter::~SubmissionWriter() = default;

void SubmissionWriter::release_statements() {
    statements_.reset();
}

void SubmissionWriter::store(soci::session& s, storage::GroupCommit::Batch& batch) {
    // First: on PostgreSQL the audit head is locked, so batches of several portal instances
    // take turns and each sees what the one before committed.
    if (!statements_ || statements_->session != &s) {
        statements_ = std::make_unique<Statements>(s, context_.database.dialect());
    } else {
        statements_->audit.restart();
    }
    try {
        store(*statements_, batch);
    } catch (...) {
        statements_.reset();  // the batch failed: prepare afresh next time
        throw;
    }
}

// 2.–4. Every check, in the transaction that will store the order: what is checked is what is
// stored. Sets sub.order for a retry of a stored order; throws a refusal.
void SubmissionWriter::check(Statements& st, Submission& sub) {
    // 2. The draft the portal issued: known, same bytes, same card, unused and fresh.
    sub.draft = st.orders->draft(sub.nonce);
    if (!sub.draft) {
        throw Error(errors::nonce_unknown);
    }
    if (sub.document_sha256.empty() &&
        st.orders->draft_document_digest(sub.nonce, sub.digest_nid) == sub.signed_digest) {
        sub.document_sha256 = sub.draft->document_sha256;
    }
    if (sub.draft->document_sha256 != sub.document_sha256) {
        throw Error(errors::document_mismatch);
    }
    if (sub.signer_serial != sub.draft->certificate_serial || !sub.issued_by_this_ca) {
        throw Error(errors::signer_mismatch);
    }
    if (sub.draft->order_id) {
        sub.order = answer_used_draft(*st.orders, *sub.draft->order_id, sub.signature_sha256);
        return;
    }
    const auto nonce_max_age =
        static_cast<std::int64_t>(context_.config.policy.nonce_max_age_minutes) * 60;
    if (sub.now - sub.draft->issued_at > nonce_max_age) {
        throw Error(errors::nonce_expired);
    }
    // 3. Still valid, not revoked, still eligible — the status as stored right now.
    sub.record = st.certificates.find(sub.signer_serial);
    auto validation = sub.validation;
    if (sub.store_status_pending) {
        validation = pki::PathValidator::status_from_record(sub.signer.get(), sub.record);
    }
    const auto facts = facts_of(
        sub.signer.get(), validation,
        [&](const std::string& serial) { return st.cards.find(serial); },
        [&](std::int64_t card_id) { return st.orders->open_order_of_card(card_id); });
    const auto decision = policy_.decide(facts, sub.now);
    if (!decision.eligible()) {
        throw EligibilityRefused(decision, sub.draft->certificate_serial);
    }
    // 4. The terms the holder reviewed are still the ones in force (R7).
    if (!st.terms_at || st.terms_at->first != sub.now) {
        st.terms_at.emplace(sub.now, st.terms.in_force(sub.now));
    }
    const auto& in_force = st.terms_at->second;
    if (!in_force || *in_force != sub.draft->terms_version) {
        throw Error(errors::terms_outdated, sub.draft->terms_version);
    }
    sub.card_id = facts.card->id;
}

void SubmissionWriter::store(Statements& st, storage::GroupCommit::Batch& batch) {
    std::vector<Submission*> accepted;
    std::vector<pki::OcspResponder::Attestation> attestations;
    for (auto& w : batch) {
        auto& sub = static_cast<Submission&>(*w);
        try {
            check(st, sub);
            if (!sub.order) {
                accepted.push_back(&sub);
                attestations.push_back({sub.signer.get(), &*sub.record});
            }
        } catch (...) {
            sub.refusal = std::current_exception();
        }
    }
    if (accepted.empty()) {
        return;
    }

    // The revocation evidence of all accepted orders: one OCSP response, one HSM signature. It
    // is made on another thread while this one stores the orders (the writer is the serial part
    // of a busy portal); its row is reserved first, so that the orders can name it, and filled
    // in before the commit. A failure to attest fails the whole batch, as it would here.
    const std::int64_t produced_at = unix_now();
    const std::int64_t evidence_id = st.evidence.reserve(produced_at);
    auto evidence = st.evidence_thread.start([&] {
        return context_.ocsp.attest(attestations, pki::Seconds(std::chrono::seconds(produced_at)));
    });
    const AwaitOnExit await_evidence{evidence};

    // 5. Each order in its own savepoint: order, draft used, event, audit record.
    auto& orders = *st.orders;
    std::size_t stored = 0;
    const auto order_number_randomness = ossl::random_bytes(4 * accepted.size());
    std::size_t attempt = 0;  // each order its own 4 bytes, also after a failed one
    const std::int64_t numbered_at = unix_now_ms();
    for (Submission* sub : accepted) {
        st.savepoint.begin();
        auto chain_end = st.audit.position();
        try {
            NewOrder v;
            v.number = new_order_number(
                sub->now, numbered_at,
                std::span(order_number_randomness).subspan(4 * attempt++).first<4>());
            for (int draw = 0; orders.number_taken(v.number); ++draw) {
                if (draw == 16) {
                    throw std::runtime_error("no free order number");
                }
                const auto fresh = ossl::random_bytes(4);
                v.number = new_order_number(sub->now, numbered_at, std::span(fresh).first<4>());
            }
            v.kind = OrderKind::follow_up;
            v.card_id = sub->card_id;
            v.order_data_json = sub->draft->order_data_json;
            v.terms_version = sub->draft->terms_version;
            v.document_sha256 = sub->document_sha256;
            v.signature_b64 = sub->signature_b64;
            v.signature_sha256 = sub->signature_sha256;
            v.certificate_serial = sub->draft->certificate_serial;
            v.evidence_id = evidence_id;
            v.nonce = sub->nonce;
            v.created_at = sub->now;
            const std::string actor = "holder:" + sub->draft->certificate_serial;
            const auto order_id = orders.insert(v);
            orders.add_event(order_id, std::nullopt, OrderState::submitted, actor, "", sub->now);
            st.audit.append(actor, "order.submitted", v.number,
                            nlohmann::json{{"document_sha256", v.document_sha256},
                                           {"signature_sha256", v.signature_sha256},
                                           {"terms_version", v.terms_version},
                                           {"card_id", v.card_id},
                                           {"revocation_evidence_id", evidence_id}}
                                .dump());
            st.savepoint.release();
            sub->order = SubmittedOrder{v.number, OrderState::submitted, sub->now, false};
            ++stored;
        } catch (...) {
            const auto failure = std::current_exception();
            st.savepoint.undo();
            st.audit.rewind(std::move(chain_end));
            // Lost to another submission in this batch: the same draft (a retry or a replay),
            // or another draft of the same card (whose order is now open).
            try {
                const auto again = orders.draft(sub->nonce);
                if (again && again->order_id) {
                    sub->order = answer_used_draft(orders, *again->order_id, sub->signature_sha256);
                } else if (auto open = orders.open_order_of_card(sub->card_id)) {
                    EligibilityDecision refused;
                    refused.refusal = &errors::open_order_exists;
                    refused.open_order_number = std::move(open);
                    throw EligibilityRefused(std::move(refused), sub->draft->certificate_serial);
                } else {
                    std::rethrow_exception(failure);
                }
            } catch (...) {
                sub->refusal = std::current_exception();
            }
        }
    }
    const auto response = evidence.get();
    if (stored == 0) {
        // Every order of the batch lost to an earlier one in it: keep no evidence for nothing.
        st.evidence.discard(evidence_id);
    } else {
        st.evidence.complete(evidence_id, encoding::to_base64(response.data(), response.size()));
    }
    st.audit.finish();
}

}  // namespace sigcard::orders
