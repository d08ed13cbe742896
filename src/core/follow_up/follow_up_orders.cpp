#include "follow_up/follow_up_orders.hpp"

#include "encoding/encoding.hpp"
#include "follow_up/eligibility_errors.hpp"
#include "follow_up/eligibility_facts.hpp"
#include "orders/draft_nonce.hpp"
#include "orders/order_document.hpp"
#include "orders/order_errors.hpp"
#include "signature/cades.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <memory>

namespace sigcard::orders {

EligibilityRefused::EligibilityRefused(EligibilityDecision decision, std::string certificate_serial)
    : Error(*decision.refusal, std::move(certificate_serial)), decision_(std::move(decision)) {}

FollowUpOrders::FollowUpOrders(FollowUpContext context)
    : context_(context),
      policy_(context.config.policy),
      terms_(context.database),
      cards_(context.database),
      drafts_(context.database),
      orders_(context.database),
      writer_(context_, policy_),
      submissions_(context.database, [this](soci::session& s, storage::GroupCommit::Batch& b) {
          writer_.store(s, b);
      }) {}

FollowUpOrders::~FollowUpOrders() {
    // The writer's statements go before the connection they were prepared on.
    submissions_.stop();
    writer_.release_statements();
}

ossl::X509Ptr FollowUpOrders::parsed_certificate(std::span<const std::uint8_t> der) const {
    if (auto known = context_.validator.verified_certificate(der)) {
        return known;
    }
    return ossl::x509_from_der(der);
}

EligibilityReport FollowUpOrders::check(std::span<const std::uint8_t> certificate_der,
                                        std::int64_t now) const {
    EligibilityReport report;
    auto cert = parsed_certificate(certificate_der);
    if (!cert) {
        report.decision.refusal = &errors::certificate_invalid;
        return report;
    }
    report.certificate_serial = ossl::serial_hex(cert.get());
    report.not_after = not_after_of(cert.get());
    try {
        report.profile = pki::read_holder_profile(cert.get());
        report.holder = certified_holder(*report.profile, report.certificate_serial);
    } catch (const Error& e) {
        spdlog::info("eligibility: certificate profile unreadable: {}", e.what());
    }
    const auto validation =
        context_.validator.validate(cert.get(), pki::Seconds(std::chrono::seconds(now)));
    const auto facts = facts_of(
        cert.get(), validation,
        [&](const std::string& serial) { return cards_.eligibility_record(serial); },
        [&](std::int64_t card_id) { return orders_.open_order_of_card(card_id); });
    report.decision = policy_.decide(facts, now);
    if (report.decision.eligible() && !report.profile) {
        report.decision.refusal = &errors::certificate_invalid;
    }
    return report;
}

OrderDraft FollowUpOrders::create_draft(std::span<const std::uint8_t> certificate_der,
                                        const OrderData& entered, std::int64_t now,
                                        const std::string& revocation_password_hash) {
    const OrderData data = normalise(entered);
    if (auto problems = validate(data); !problems.empty()) {
        throw InvalidOrderData(std::move(problems));
    }
    const auto report = check(certificate_der, now);
    if (!report.decision.eligible()) {
        throw EligibilityRefused(report.decision, report.certificate_serial);
    }
    auto terms = terms_.in_force(now);
    if (!terms) {
        throw Error(errors::terms_unknown);
    }
    const auto max_age =
        static_cast<std::int64_t>(context_.config.policy.nonce_max_age_minutes) * 60;
    purge_expired_drafts(now, max_age);
    if (drafts_.unsigned_since(report.certificate_serial, now - max_age) >=
        context_.config.policy.max_open_drafts_per_card) {
        throw Error(errors::too_many_drafts, report.certificate_serial);
    }
    OrderDraft draft;
    draft.nonce = new_draft_nonce();
    draft.terms = *terms;
    draft.issued_at = now;
    draft.expires_at = now + max_age;
    OrderDocumentInput input;
    input.trust_center = context_.config.name;
    input.holder = report.holder;
    input.data = data;
    input.terms_version = terms->version;
    input.terms_sha256 = terms->sha256;
    input.price = {context_.config.prices.follow_up_net_cents,
                   context_.config.prices.vat_percent};
    input.nonce = draft.nonce;
    input.created_at = now;
    draft.document = render_order_document(input);
    draft.document_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(draft.document)));

    drafts_.add({draft.nonce, report.certificate_serial, nlohmann::json(data).dump(),
                 terms->version, draft.document, draft.document_sha256, now,
                 revocation_password_hash});
    return draft;
}

// Unsigned drafts past their nonce's age can never become orders: deleted, by whichever portal
// instance comes first, at most once a minute each.
void FollowUpOrders::purge_expired_drafts(std::int64_t now, std::int64_t max_age) {
    auto last = last_purge_.load();
    if (now - last < 60 || !last_purge_.compare_exchange_strong(last, now)) {
        return;
    }
    try {
        if (const auto purged = drafts_.purge_unsigned(now - max_age); purged > 0) {
            spdlog::info("drafts: {} expired unsigned drafts deleted", purged);
        }
    } catch (const std::exception& e) {
        spdlog::warn("drafts: purge failed: {}", e.what());
    }
}

SubmittedOrder FollowUpOrders::submit(const std::string& nonce, const std::string& document,
                                      std::span<const std::uint8_t> signature_der,
                                      std::int64_t now) {
    // Shared with the group commit's thread, which may still be inside set_value when get()
    // returns.
    auto answer = std::make_shared<std::promise<SubmittedOrder>>();
    auto future = answer->get_future();
    submit_async(nonce, document, signature_der, now,
                 [answer](std::optional<SubmittedOrder> order, std::exception_ptr error) {
                     if (error) {
                         answer->set_exception(error);
                     } else {
                         answer->set_value(*order);
                     }
                 });
    return future.get();
}

void FollowUpOrders::submit_async(const std::string& nonce,
                                  std::optional<std::string_view> document,
                                  std::span<const std::uint8_t> signature_der, std::int64_t now,
                                  SubmissionDone done) {
    // 1. The signature over exactly these bytes (tampered documents fail here), and what can be
    // known of the signer's certificate without the database. The CPU-heavy part of a
    // submission runs here, on the caller's thread, in parallel with other submissions.
    const auto parser = [this](std::span<const std::uint8_t> der) {
        return parsed_certificate(der);
    };
    auto verified =
        document ? signature::verify_cades(ossl::as_bytes(*document), signature_der, {}, parser)
                 : signature::verify_cades_without_content(signature_der, {}, parser);
    auto work = std::make_unique<Submission>();
    work->nonce = nonce;
    work->now = now;
    work->signer = std::move(verified.signer_certificate);
    const X509* signer = work->signer.get();
    work->signer_serial = ossl::serial_hex(signer);
    work->issued_by_this_ca = X509_check_issued(const_cast<X509*>(context_.issuing_ca),
                                                const_cast<X509*>(signer)) == X509_V_OK;
    if (work->issued_by_this_ca) {
        work->validation = context_.validator.validate_before_status(
            signer, pki::Seconds(std::chrono::seconds(now)), work->store_status_pending);
    }
    work->signature_sha256 = encoding::hex(ossl::sha256(signature_der));
    work->signature_b64 = encoding::to_base64(signature_der.data(), signature_der.size());
    // The signed digest is the document's (verify_cades compared them when it was sent): with
    // SHA-256 it is the hash the draft keeps, so the document is not hashed again.
    if (verified.digest_nid == NID_sha256) {
        work->document_sha256 = encoding::hex(verified.message_digest);
    } else if (document) {
        work->document_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(*document)));
    } else {
        // Signed with another digest: the writer hashes the draft's document that way.
        work->signed_digest = std::move(verified.message_digest);
        work->digest_nid = verified.digest_nid;
    }
    work->done = std::move(done);
    // 2.–5. in the next group commit: SubmissionWriter::store().
    submissions_.enqueue(std::move(work));
}

}  // namespace sigcard::orders
