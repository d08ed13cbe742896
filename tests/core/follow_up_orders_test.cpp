#include "follow_up/follow_up_orders.hpp"
#include "support/error_id.hpp"

#include "audit/audit_log.hpp"
#include "follow_up_fixture.hpp"
#include "follow_up/eligibility_errors.hpp"
#include "orders/order_errors.hpp"
#include "pki/ocsp_evidence.hpp"
#include "pki/revocation.hpp"
#include "signature/cades.hpp"

#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <future>
#include <thread>

namespace sigcard::orders {
namespace {

using ::sigcard::testing::error_id;

using pki::testing::TrustCenter;

constexpr std::int64_t kDay = 86400;

OrderData order_data() {
    OrderData d;
    d.contact = {"juergen@kanzlei.example", "+49 221 1234567"};
    d.shipping = {"Jürgen Müller-Lüdenscheidt", "", "Domkloster 4", "", "50667", "Köln", "DE"};
    static_cast<PostalAddress&>(d.billing) = d.shipping;
    d.name_and_attributes_unchanged = true;
    d.terms_accepted = true;
    return d;
}

class FollowUpOrdersTest : public ::testing::Test {
protected:
    FollowUpOrdersTest() {
        config.policy = config::Policy{};
        config.name = "SigCard Test Trust Center";
        now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        holder_cert = issue_for(holder_key, now + 30 * kDay);
        holder_der = ossl::to_der(holder_cert.get());
        add_card(holder_cert.get());
        terms.publish("AGB Version 1", "2026-01", now - kDay, "operator:test");
    }

    ossl::X509Ptr issue_for(crypto::SoftwareSigner& key, std::int64_t not_after) {
        const pki::Validity validity{pki::Seconds(std::chrono::seconds(not_after - 1000 * kDay)),
                                     pki::Seconds(std::chrono::seconds(not_after))};
        return tc.ca.issue_qualified(tc.issuer(), key.public_key(), pki::testing::lawyer(),
                                     validity);
    }

    std::int64_t add_card(const X509* cert, std::optional<std::int64_t> partner = std::nullopt) {
        cards::CardEntry card;
        card.card_serial = "CARD-" + ossl::serial_hex(cert).substr(0, 8);
        card.token_label = "Test";
        card.certificate_serial = ossl::serial_hex(cert);
        card.partner_id = partner;
        card.identified_at = now - 2 * 365 * kDay;
        card.produced_at = now - 900 * kDay;
        return tc.db.in_transaction(
            [&](soci::session& s) { return cards::CardRegister::add(s, card); });
    }

    ossl::Bytes sign(crypto::SoftwareSigner& key, const X509* cert, const std::string& document) {
        return signature::create_cades(key, cert, ossl::as_bytes(document));
    }

    int count(const std::string& table) {
        int n = 0;
        tc.db.with_session(
            [&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table, soci::into(n); });
        return n;
    }

    config::TrustCenterConfig config = pki::testing::test_config();
    // Two connections, as the portal has several: the writer may get another one for each batch.
    TrustCenter tc{config, 2};
    TermsCatalogue terms{tc.db};
    pki::testing::FollowUpDesk desk{config, tc};
    FollowUpOrders& orders = desk.orders;
    OrderBook& book = desk.book;
    crypto::SoftwareSigner holder_key = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr holder_cert;
    ossl::Bytes holder_der;
    std::int64_t now = 0;
};

TEST_F(FollowUpOrdersTest, AnEligibleCardShowsNameAndAttributes) {
    const auto report = orders.check(holder_der, now);
    EXPECT_TRUE(report.decision.eligible());
    EXPECT_EQ(report.holder.name, "Jürgen Müller-Lüdenscheidt");
    bool has_profession = false;
    for (const auto& fact : report.holder.facts) {
        has_profession |= fact.label_en == "Profession" && fact.value == "Rechtsanwalt";
    }
    EXPECT_TRUE(has_profession);
}

TEST_F(FollowUpOrdersTest, GarbageInsteadOfACertificateIsReportedNotThrown) {
    const ossl::Bytes garbage{0x30, 0x03, 0x01, 0x02};
    const auto report = orders.check(garbage, now);
    ASSERT_FALSE(report.decision.eligible());
    EXPECT_EQ(report.decision.refusal->id, "eligibility.certificate_invalid");
}

TEST_F(FollowUpOrdersTest, NoncesAreUniqueAndSortInTheOrderTheyWereIssued) {
    std::vector<std::string> nonces;
    for (int i = 0; i < 5; ++i) {
        nonces.push_back(orders.create_draft(holder_der, order_data(), now).nonce);
    }
    for (std::size_t i = 0; i < nonces.size(); ++i) {
        EXPECT_EQ(nonces[i].size(), 48u) << nonces[i];  // 8 bytes of time, 16 random
        EXPECT_EQ(nonces[i].find_first_not_of("0123456789abcdef"), std::string::npos);
        if (i > 0) {
            EXPECT_LT(nonces[i - 1], nonces[i]);
            // Unguessable: the random part differs even when the time part does not.
            EXPECT_NE(nonces[i - 1].substr(16), nonces[i].substr(16));
        }
    }
}

TEST_F(FollowUpOrdersTest, ACardHasAtMostItsShareOfUnsignedDraftsAndOldOnesArePurged) {
    auto drafts_in_store = [&] {
        long long count = 0;
        tc.db.with_session(
            [&](soci::session& s) { s << "SELECT COUNT(*) FROM order_drafts", soci::into(count); });
        return count;
    };
    const int cap = config.policy.max_open_drafts_per_card;
    for (int i = 0; i < cap; ++i) {
        orders.create_draft(holder_der, order_data(), now);
    }
    // The certificate is public: anyone could ask for drafts in the holder's name.
    EXPECT_EQ(error_id([&] { orders.create_draft(holder_der, order_data(), now + 1); }),
              "order.too_many_drafts");
    EXPECT_EQ(drafts_in_store(), cap);
    // A signed one does not count; and once the unsigned ones are past their age, they go.
    const auto max_age = config.policy.nonce_max_age_minutes * 60;
    const auto later = orders.create_draft(holder_der, order_data(), now + max_age + 120);
    EXPECT_EQ(drafts_in_store(), 1);
    orders.submit(later.nonce, later.document, sign(holder_key, holder_cert.get(), later.document),
                  now + max_age + 130);
    EXPECT_EQ(error_id([&] { orders.create_draft(holder_der, order_data(), now + 3 * max_age); }),
              "eligibility.open_order_exists");
    EXPECT_EQ(drafts_in_store(), 1);  // the signed draft stays with its order
}

TEST_F(FollowUpOrdersTest, ASignedDraftBecomesOneStoredOrderWithEvidence) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    EXPECT_NE(draft.document.find("Nonce: " + draft.nonce), std::string::npos);
    EXPECT_NE(draft.document.find("2026-01"), std::string::npos);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    const auto submitted = orders.submit(draft.nonce, draft.document, signature, now + 60);
    EXPECT_FALSE(submitted.already_submitted);
    EXPECT_EQ(submitted.order_number.rfind("FA-", 0), 0u);

    const auto stored = book.find(submitted.order_number);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->state, OrderState::submitted);
    EXPECT_EQ(stored->document, draft.document);
    EXPECT_EQ(stored->signature, signature);
    EXPECT_EQ(stored->terms_version, "2026-01");
    EXPECT_EQ(stored->data.contact.phone, "+492211234567");
    ASSERT_EQ(stored->events.size(), 1u);
    // The evidence is a signed OCSP response saying "good" for the signing certificate.
    const unsigned char* p = stored->revocation_evidence.data();
    ossl::OcspResponsePtr response(
        d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(stored->revocation_evidence.size())));
    ASSERT_TRUE(response);
    ossl::OcspBasicResponsePtr basic(OCSP_response_get1_basic(response.get()));
    ASSERT_TRUE(basic);
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha256(), holder_cert.get(), tc.issuing.get()));
    int status = -1;
    OCSP_resp_find_status(basic.get(), id.get(), &status, nullptr, nullptr, nullptr, nullptr);
    EXPECT_EQ(status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_TRUE(audit::verify(tc.db).intact);
    EXPECT_EQ(audit::verify(tc.db).records, 2);  // terms published, order submitted
}

// The writer keeps its prepared statements for the connection it prepared them on. When another
// user of the pool holds that connection as the next batch begins, the batch runs on another one:
// statements of the first would run outside the batch's transaction (and wait for its lock).
TEST_F(FollowUpOrdersTest, ABatchOnAnotherPooledConnectionIsStoredInItsTransaction) {
    const auto first = orders.create_draft(holder_der, order_data(), now);
    orders.submit(first.nonce, first.document, sign(holder_key, holder_cert.get(), first.document),
                  now + 10);
    crypto::SoftwareSigner other_key = crypto::SoftwareSigner::generate_ec();
    const auto other_cert = issue_for(other_key, now + 30 * kDay);
    add_card(other_cert.get());
    const auto second = orders.create_draft(ossl::to_der(other_cert.get()), order_data(), now);
    const auto signature = sign(other_key, other_cert.get(), second.document);
    const auto started = std::chrono::steady_clock::now();
    tc.db.with_session([&](soci::session&) {  // holds the connection the first batch had
        const auto stored = orders.submit(second.nonce, second.document, signature, now + 20);
        EXPECT_FALSE(stored.already_submitted);
    });
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(count("orders"), 2);
    const auto audit = audit::verify(tc.db);
    EXPECT_TRUE(audit.intact) << audit.reason;
    EXPECT_EQ(audit.records, 3);  // terms published, two orders submitted
}

TEST_F(FollowUpOrdersTest, TheSameSignedDocumentTwiceGivesOneOrder) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    const auto first = orders.submit(draft.nonce, draft.document, signature, now + 10);
    const auto second = orders.submit(draft.nonce, draft.document, signature, now + 20);
    EXPECT_TRUE(second.already_submitted);
    EXPECT_EQ(second.order_number, first.order_number);
    EXPECT_EQ(count("orders"), 1);
}

TEST_F(FollowUpOrdersTest, TwoConcurrentSubmissionsOfOneDocumentGiveOneOrder) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    std::vector<SubmittedOrder> results(4);
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < results.size(); ++i) {
        clients.emplace_back([&, i] {
            try {
                results[i] = orders.submit(draft.nonce, draft.document, signature, now + 1);
            } catch (const Error& e) {
                results[i].order_number = std::string(e.id());  // shows up as a mismatch below
            }
        });
    }
    for (auto& c : clients) {
        c.join();
    }
    for (const auto& r : results) {
        EXPECT_EQ(r.order_number, results[0].order_number);
    }
    EXPECT_EQ(count("orders"), 1);
    EXPECT_EQ(audit::verify(tc.db).records, 2);
}

// Submissions queued while the database is busy go into one group commit together.
struct Submitted {
    std::optional<SubmittedOrder> order;
    std::string error;                             // the error id, empty when stored
    std::optional<std::string> open_order_number;  // named by an eligibility refusal
};

class SubmittedTogether {
public:
    explicit SubmittedTogether(storage::Database& db) : lock_(db) {}

    void add(FollowUpOrders& orders, const std::string& nonce, const std::string& document,
             const ossl::Bytes& signature, std::int64_t now) {
        auto answer = std::make_shared<std::promise<Submitted>>();
        answers_.push_back(answer->get_future());
        orders.submit_async(nonce, document, signature, now,
                            [answer](std::optional<SubmittedOrder> order, std::exception_ptr e) {
                                Submitted result{order, "", std::nullopt};
                                if (e) {
                                    try {
                                        std::rethrow_exception(e);
                                    } catch (const EligibilityRefused& refused) {
                                        result.error = std::string(refused.id());
                                        result.open_order_number =
                                            refused.decision().open_order_number;
                                    } catch (const Error& error) {
                                        result.error = std::string(error.id());
                                    } catch (const std::exception& other) {
                                        result.error = other.what();
                                    }
                                }
                                answer->set_value(result);
                            });
    }

    std::vector<Submitted> results() {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        lock_.release();
        std::vector<Submitted> out;
        for (auto& answer : answers_) {
            out.push_back(answer.get());
        }
        return out;
    }

private:
    // Holds SQLite's write lock from another connection until released.
    class WriteLock {
    public:
        explicit WriteLock(storage::Database& db) : db_(db) {
            thread_ = std::thread([this] {
                db_.with_session([this](soci::session& s) {
                    s << "BEGIN IMMEDIATE";
                    locked_.set_value();
                    released_.get_future().wait();
                    s << "COMMIT";
                });
            });
            locked_.get_future().wait();
        }
        void release() {
            if (thread_.joinable()) {
                released_.set_value();
                thread_.join();
            }
        }
        ~WriteLock() { release(); }

    private:
        storage::Database& db_;
        std::promise<void> locked_;
        std::promise<void> released_;
        std::thread thread_;
    };

    WriteLock lock_;
    std::vector<std::future<Submitted>> answers_;
};

TEST_F(FollowUpOrdersTest, OrdersCommittedTogetherShareOneSignedEvidenceNamingEachCard) {
    std::vector<crypto::SoftwareSigner> keys;
    std::vector<ossl::X509Ptr> certs;
    std::vector<OrderDraft> drafts;
    for (int i = 0; i < 6; ++i) {
        keys.push_back(crypto::SoftwareSigner::generate_ec());
        certs.push_back(issue_for(keys.back(), now + 30 * kDay));
        add_card(certs.back().get());
        drafts.push_back(orders.create_draft(ossl::to_der(certs.back().get()), order_data(), now));
    }
    SubmittedTogether together(tc.db);
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        together.add(orders, drafts[i].nonce, drafts[i].document,
                     sign(keys[i], certs[i].get(), drafts[i].document), now + 1);
    }
    const auto results = together.results();
    EXPECT_EQ(count("orders"), 6);
    // The first may have been taken alone before the lock; the others wait and go together.
    EXPECT_LE(count("revocation_evidence"), 2);
    for (std::size_t i = 0; i < results.size(); ++i) {
        ASSERT_TRUE(results[i].order) << results[i].error;
        const auto stored = book.find(results[i].order->order_number);
        ASSERT_TRUE(stored);
        // Signed by the responder, and it names this order's card as good.
        const auto evidence = pki::read_evidence(stored->revocation_evidence, certs[i].get(),
                                                 tc.issuing.get(), tc.ocsp.get());
        EXPECT_EQ(evidence.state, pki::EvidenceStatus::State::good);
        EXPECT_GE(evidence.produced_at.time_since_epoch().count(), now);
    }
    const auto audit = audit::verify(tc.db);
    EXPECT_TRUE(audit.intact);
    EXPECT_EQ(audit.records, 1 + 6);  // terms published, six orders submitted
}

// The responder's key when the HSM does not answer.
class UnreachableHsm final : public crypto::Signer {
public:
    explicit UnreachableHsm(EVP_PKEY* key) : key_(key) {}
    EVP_PKEY* public_key() const override { return key_; }
    ossl::Bytes sign(crypto::DigestAlgorithm, std::span<const std::uint8_t>) override {
        throw std::runtime_error("HSM not reachable");
    }

private:
    EVP_PKEY* key_;
};

// The evidence is made beside the writer while it stores the batch's orders: when it cannot be
// made, nothing of the batch is stored, the holder learns why, and the draft stays unused.
TEST_F(FollowUpOrdersTest, WithoutEvidenceNothingOfTheBatchIsStored) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    {
        UnreachableHsm hsm(tc.ocsp_key.public_key());
        pki::OcspResponder failing(tc.store, tc.issuing.get(), tc.ocsp.get(), hsm);
        FollowUpOrders without_evidence({config, tc.db, desk.validator, failing, tc.issuing.get()});
        EXPECT_THROW(without_evidence.submit(draft.nonce, draft.document, signature, now + 1),
                     std::runtime_error);
    }
    EXPECT_EQ(count("orders"), 0);
    EXPECT_EQ(count("revocation_evidence"), 0);
    EXPECT_EQ(count("order_events"), 0);
    EXPECT_EQ(audit::verify(tc.db).records, 1);  // the terms published, nothing else
    // The same signed document goes through once the HSM answers again.
    const auto order = orders.submit(draft.nonce, draft.document, signature, now + 2);
    EXPECT_FALSE(order.order_number.empty());
    EXPECT_EQ(count("orders"), 1);
}

TEST_F(FollowUpOrdersTest, ARefusalInABatchLeavesTheOthersStored) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    auto other_key = crypto::SoftwareSigner::generate_ec();
    const auto other_cert = issue_for(other_key, now + 30 * kDay);
    add_card(other_cert.get());
    const auto other = orders.create_draft(ossl::to_der(other_cert.get()), order_data(), now);
    SubmittedTogether together(tc.db);
    together.add(orders, draft.nonce, draft.document,
                 sign(holder_key, holder_cert.get(), draft.document), now + 1);
    together.add(orders, "0123456789abcdef0123456789abcdef", other.document,
                 sign(other_key, other_cert.get(), other.document), now + 1);
    together.add(orders, other.nonce, other.document + " ",
                 sign(other_key, other_cert.get(), other.document + " "), now + 1);
    const auto results = together.results();
    ASSERT_TRUE(results[0].order) << results[0].error;
    EXPECT_EQ(results[1].error, "order.nonce_unknown");
    EXPECT_EQ(results[2].error, "order.document_mismatch");
    EXPECT_EQ(count("orders"), 1);
    // The evidence speaks only of the stored order's card.
    const auto stored = book.find(results[0].order->order_number);
    ASSERT_TRUE(stored);
    EXPECT_EQ(pki::read_evidence(stored->revocation_evidence, holder_cert.get(), tc.issuing.get(),
                                 tc.ocsp.get())
                  .state,
              pki::EvidenceStatus::State::good);
    EXPECT_EQ(pki::read_evidence(stored->revocation_evidence, other_cert.get(), tc.issuing.get(),
                                 tc.ocsp.get())
                  .state,
              pki::EvidenceStatus::State::not_listed);
    EXPECT_TRUE(audit::verify(tc.db).intact);
    EXPECT_EQ(audit::verify(tc.db).records, 2);
}

TEST_F(FollowUpOrdersTest, OneDraftTwiceInABatchIsOneOrderAndAnotherSignatureAReplay) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    const auto another = sign(holder_key, holder_cert.get(), draft.document);  // new ECDSA nonce
    ASSERT_NE(signature, another);
    SubmittedTogether together(tc.db);
    together.add(orders, draft.nonce, draft.document, signature, now + 1);
    together.add(orders, draft.nonce, draft.document, signature, now + 1);
    together.add(orders, draft.nonce, draft.document, another, now + 1);
    const auto results = together.results();
    ASSERT_TRUE(results[0].order) << results[0].error;
    ASSERT_TRUE(results[1].order) << results[1].error;
    EXPECT_EQ(results[1].order->order_number, results[0].order->order_number);
    EXPECT_NE(results[0].order->already_submitted, results[1].order->already_submitted);
    EXPECT_EQ(results[2].error, "order.nonce_replayed");
    EXPECT_EQ(count("orders"), 1);
    EXPECT_EQ(audit::verify(tc.db).records, 2);
}

TEST_F(FollowUpOrdersTest, TwoDraftsOfOneCardInABatchGiveOneOpenOrder) {
    const auto first = orders.create_draft(holder_der, order_data(), now);
    const auto second = orders.create_draft(holder_der, order_data(), now);
    SubmittedTogether together(tc.db);
    together.add(orders, first.nonce, first.document,
                 sign(holder_key, holder_cert.get(), first.document), now + 1);
    together.add(orders, second.nonce, second.document,
                 sign(holder_key, holder_cert.get(), second.document), now + 1);
    const auto results = together.results();
    const int stored = (results[0].order ? 1 : 0) + (results[1].order ? 1 : 0);
    EXPECT_EQ(stored, 1);
    const auto& winner = results[0].order ? results[0] : results[1];
    const auto& loser = results[0].order ? results[1] : results[0];
    EXPECT_EQ(loser.error, "eligibility.open_order_exists");
    ASSERT_TRUE(winner.order);
    EXPECT_EQ(loser.open_order_number.value_or(""), winner.order->order_number);
    EXPECT_EQ(count("orders"), 1);
    EXPECT_TRUE(audit::verify(tc.db).intact);
}

TEST_F(FollowUpOrdersTest, AReplayedNonceWithAnotherSignatureIsRefused) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    orders.submit(draft.nonce, draft.document, sign(holder_key, holder_cert.get(), draft.document),
                  now);
    const auto again = sign(holder_key, holder_cert.get(), draft.document);  // fresh ECDSA nonce
    EXPECT_EQ(error_id([&] { orders.submit(draft.nonce, draft.document, again, now + 5); }),
              "order.nonce_replayed");
    EXPECT_EQ(count("orders"), 1);
}

TEST_F(FollowUpOrdersTest, ATamperedDocumentIsRefusedAndNothingStored) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    std::string tampered = draft.document;
    tampered.replace(tampered.find("50667"), 5, "10115");
    EXPECT_EQ(error_id([&] { orders.submit(draft.nonce, tampered, signature, now); }),
              "signature.content_mismatch");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, ASignedButDifferentDocumentIsRefused) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    std::string other = draft.document + "Zusatz\n";
    EXPECT_EQ(error_id([&] {
                  orders.submit(draft.nonce, other, sign(holder_key, holder_cert.get(), other),
                                now);
              }),
              "order.document_mismatch");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, ASignatureFromAnotherCardIsRefused) {
    crypto::SoftwareSigner other_key = crypto::SoftwareSigner::generate_ec();
    auto other_cert = issue_for(other_key, now + 30 * kDay);
    add_card(other_cert.get());
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    EXPECT_EQ(error_id([&] {
                  orders.submit(draft.nonce, draft.document,
                                sign(other_key, other_cert.get(), draft.document), now);
              }),
              "order.signer_mismatch");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, UnknownAndExpiredNoncesAreRefused) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    EXPECT_EQ(error_id([&] { orders.submit("00ff", draft.document, signature, now); }),
              "order.nonce_unknown");
    EXPECT_EQ(
        error_id([&] { orders.submit(draft.nonce, draft.document, signature, now + 31 * 60); }),
        "order.nonce_expired");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, TermsChangedBetweenReviewAndSigningAreRefused) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    terms.publish("AGB Version 2", "2026-02", now + 60, "operator:test");
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    EXPECT_EQ(error_id([&] { orders.submit(draft.nonce, draft.document, signature, now + 120); }),
              "order.terms_outdated");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, ACardRevokedAfterTheDraftCannotSubmit) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    pki::revoke(tc.store, ossl::serial_hex(holder_cert.get()), pki::RevocationReason::key_compromise,
                pki::Seconds(std::chrono::seconds(now)));
    const auto signature = sign(holder_key, holder_cert.get(), draft.document);
    EXPECT_EQ(error_id([&] { orders.submit(draft.nonce, draft.document, signature, now + 5); }),
              "eligibility.certificate_revoked");
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(FollowUpOrdersTest, InvalidDataGivesFieldErrorsAndNoDraft) {
    auto data = order_data();
    data.shipping.postal_code = "123";
    data.contact.email = "kein-at";
    data.name_and_attributes_unchanged = false;
    try {
        orders.create_draft(holder_der, data, now);
        FAIL() << "expected InvalidOrderData";
    } catch (const InvalidOrderData& e) {
        EXPECT_EQ(e.id(), "order.invalid_input");
        EXPECT_EQ(e.fields().size(), 3u);
    }
    EXPECT_EQ(count("order_drafts"), 0);
}

TEST_F(FollowUpOrdersTest, AnIneligibleCardGetsNoDraft) {
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    auto expired = issue_for(key, now - kDay);
    add_card(expired.get());
    EXPECT_EQ(
        error_id([&] { orders.create_draft(ossl::to_der(expired.get()), order_data(), now); }),
        "eligibility.certificate_expired");
    EXPECT_EQ(count("order_drafts"), 0);
}

TEST_F(FollowUpOrdersTest, ASecondOrderForTheSameCardShowsTheFirst) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto first = orders.submit(draft.nonce, draft.document,
                                     sign(holder_key, holder_cert.get(), draft.document), now);
    const auto report = orders.check(holder_der, now + 10);
    ASSERT_FALSE(report.decision.eligible());
    EXPECT_EQ(report.decision.refusal->id, "eligibility.open_order_exists");
    EXPECT_EQ(report.decision.open_order_number.value_or(""), first.order_number);
}

TEST_F(FollowUpOrdersTest, StatesMoveOnlyAlongTheProcess) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto n = orders
                       .submit(draft.nonce, draft.document,
                               sign(holder_key, holder_cert.get(), draft.document), now)
                       .order_number;
    EXPECT_EQ(error_id([&] { book.start_production(n, "operator:a", now); }),
              "order.invalid_transition");
    // The step two signed approvals take (backoffice/approvals), here alone.
    const auto approve = [&](const std::string& order, std::int64_t at) {
        desk.store.apply({order, &rule_of(OrderStep::approve), "operator:b", "", at, std::nullopt});
    };
    approve(n, now + 1);
    EXPECT_EQ(error_id([&] { approve(n, now + 2); }), "order.invalid_transition");
    book.start_production(n, "operator:a", now + 3);
    crypto::SoftwareSigner new_key = crypto::SoftwareSigner::generate_ec();
    const auto new_card = add_card(issue_for(new_key, now + 1000 * kDay).get());
    book.mark_shipped(n, new_card, "operator:a", now + 4);
    book.mark_active(n, "holder", now + 5);
    const auto order = book.find(n);
    EXPECT_EQ(order->state, OrderState::active);
    EXPECT_EQ(order->new_card_id.value_or(0), new_card);
    EXPECT_EQ(order->events.size(), 5u);
    EXPECT_EQ(error_id([&] { book.reject(n, "operator:a", "zu spät", now + 6); }),
              "order.invalid_transition");
    // The card may order again once the order is done.
    EXPECT_NE(orders.check(holder_der, now + 7).decision.refusal, &errors::open_order_exists);
}

TEST_F(FollowUpOrdersTest, TheOrderBookCountsWhatWaitsForWhom) {
    auto place = [&](const ossl::Bytes& der, crypto::SoftwareSigner& key, const X509* cert) {
        const auto draft = orders.create_draft(der, order_data(), now);
        return orders.submit(draft.nonce, draft.document, sign(key, cert, draft.document), now)
            .order_number;
    };
    EXPECT_TRUE(book.waiting().empty());
    const auto first = place(holder_der, holder_key, holder_cert.get());
    crypto::SoftwareSigner other_key = crypto::SoftwareSigner::generate_ec();
    const auto other_cert = issue_for(other_key, now + 30 * kDay);
    add_card(other_cert.get());
    const auto second = place(ossl::to_der(other_cert.get()), other_key, other_cert.get());
    desk.store.apply(
        {first, &rule_of(OrderStep::approve), "operator:a", "", now + 1, std::nullopt});
    auto count = [&](Party party) {
        for (const auto& w : book.waiting()) {
            if (w.party == party) {
                return w.orders;
            }
        }
        return std::int64_t{0};
    };
    EXPECT_EQ(count(Party::approver), 1);
    EXPECT_EQ(count(Party::production), 1);
    book.cancel_by_holder(second, now + 2);
    EXPECT_EQ(count(Party::approver), 0);
    EXPECT_EQ(count(Party::production), 1);
}

TEST_F(FollowUpOrdersTest, HoldersSeeTheirOrderOnlyWithTheirEmail) {
    const auto draft = orders.create_draft(holder_der, order_data(), now);
    const auto n = orders
                       .submit(draft.nonce, draft.document,
                               sign(holder_key, holder_cert.get(), draft.document), now)
                       .order_number;
    EXPECT_TRUE(book.find_for_holder(n, "JUERGEN@kanzlei.example"));
    EXPECT_FALSE(book.find_for_holder(n, "someone@else.example"));
    EXPECT_FALSE(book.find_for_holder("FA-0000-XXXX-XXXX", "juergen@kanzlei.example"));
}

}  // namespace
}  // namespace sigcard::orders
