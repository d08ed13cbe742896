// PostIdent results taken in as the (FAKE) post office delivers them — files, folders, ZIPs —
// against new orders placed through the real intake: a matching result identifies the order by
// itself; anything else waits in review with both values side by side until a reviewer decides;
// the same case twice, an unknown reference, a conflicting second result; and every bad file or
// archive refused whole with its code, nothing of the import stored.
#include "audit/audit_log.hpp"
#include "identification/postident_files.hpp"
#include "identification/postident_results.hpp"
#include "orders/order_errors.hpp"
#include "orders/sql_order_store.hpp"
#include "orders/terms.hpp"
#include "pki_fixture.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"
#include "support/zip_writer.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <fstream>

namespace sigcard::identification {
namespace {

using nlohmann::json;
using orders::OrderState;
using testing::FakePostOffice;
constexpr std::int64_t kDay = 86400;

std::string error_of(const std::function<void()>& work) {
    try {
        work();
    } catch (const Error& e) {
        return std::string(e.id()) + " | " + e.detail();
    }
    return "no error";
}

class PostIdentImportTest : public ::testing::Test {
protected:
    PostIdentImportTest() {
        orders::TermsCatalogue(tc.db).publish("AGB Version 1", "2026-01", now - kDay,
                                              "operator:test");
    }

    new_order::PlacedNewOrder place(new_order::Application application = testing::valid_application()) {
        new_order::SubmittedApplication s;
        s.application = std::move(application);
        s.revocation_password = Secret("Sperre-2026!");
        s.revocation_password_repeat = Secret("Sperre-2026!");
        return intake.submit(std::move(s), now);
    }
    json success(const new_order::PlacedNewOrder& placed) {
        return FakePostOffice::success(placed.postident_reference, testing::valid_application(),
                                       config.new_order.postident_billing_number);
    }
    OrderState state_of(const std::string& number) { return book.find(number)->state; }
    long long count(const std::string& table, const std::string& where = "1 = 1") {
        long long n = 0;
        tc.db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM " + table + " WHERE " + where, soci::into(n);
        });
        return n;
    }
    std::vector<ImportedResult> import(std::vector<ResultDocument> documents) {
        return results.import(std::move(documents), now + kDay);
    }
    // What an import must leave as it found it.
    struct Snapshot {
        long long results, audit, events;
        bool operator==(const Snapshot&) const = default;
    };
    Snapshot snapshot() {
        return {count("postident_results"), count("audit_log"), count("order_events")};
    }

    config::TrustCenterConfig config = pki::testing::test_config();
    pki::testing::TrustCenter tc{config};
    std::int64_t now = 1'796'000'000;  // 2026-11-30
    orders::SqlOrderStore store{tc.db};
    orders::OrderBook book{store};
    new_order::DataKey key =
        new_order::DataKey::load_or_create(tc.dir.path() / "keys" / "data.key");
    new_order::NewOrders intake{{config, tc.db, book, key}};
    PostIdentResults results{{config, tc.db, key}};
};

TEST_F(PostIdentImportTest, AResultThatMatchesInEveryValueIdentifiesTheOrderByItself) {
    const auto placed = place();
    const auto report = import({{"case-1.json", success(placed).dump(2)}});
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report[0].outcome, Outcome::identified);
    EXPECT_EQ(report[0].order_number, placed.order_number);
    const auto order = book.find(placed.order_number);
    EXPECT_EQ(order->state, OrderState::identified);
    EXPECT_EQ(order->events.back().actor, "postident");
    EXPECT_EQ(count("audit_log", "action = 'postident.result'"), 1);
    EXPECT_TRUE(results.review_queue(now).empty());
    // The identity the post office read is personal data: sealed at rest.
    EXPECT_EQ(count("postident_results", "sealed LIKE '%Mustermann%'"), 0);
    EXPECT_EQ(count("postident_results", "verdict = 'accepted'"), 1);
}

TEST_F(PostIdentImportTest, TheSameCaseTwiceChangesNothingHoweverItIsFormatted) {
    const auto placed = place();
    const auto result = success(placed);
    import({{"case-1.json", result.dump()}});
    const auto before = snapshot();
    const auto again = import({{"again.json", result.dump(4)}, {"same.json", result.dump()}});
    EXPECT_EQ(again[0].outcome, Outcome::duplicate);
    EXPECT_EQ(again[1].outcome, Outcome::duplicate);
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(state_of(placed.order_number), OrderState::identified);
}

TEST_F(PostIdentImportTest, AChangedValueGoesToReviewWithBothValuesSideBySide) {
    const auto placed = place();
    auto result = success(placed);
    result["identifications"][0]["identificationDocument"]["lastName"] = {
        {"status", "change"}, {"value", "Musterfrau"}};
    const auto report = import({{"changed.json", result.dump()}});
    EXPECT_EQ(report[0].outcome, Outcome::in_review);
    EXPECT_EQ(state_of(placed.order_number), OrderState::in_review);
    const auto queue = results.review_queue(now);
    ASSERT_EQ(queue.size(), 1u);
    EXPECT_EQ(queue[0].order_number, placed.order_number);
    EXPECT_EQ(queue[0].reasons, std::vector<std::string>{"values_differ"});
    const auto surname = std::find_if(queue[0].comparisons.begin(), queue[0].comparisons.end(),
                                      [](const Comparison& c) { return c.field == "person.surname"; });
    ASSERT_NE(surname, queue[0].comparisons.end());
    EXPECT_EQ(surname->ordered, "Mustermann");
    EXPECT_EQ(surname->identified, "Musterfrau");
    EXPECT_EQ(surname->status, "change");
    EXPECT_FALSE(surname->agrees);

    // The reviewer decides; a rejection needs its reason.
    EXPECT_EQ(error_of([&] {
                  results.decide(placed.order_number, ReviewDecision::reject, "operator:anna", "",
                                 now + 2 * kDay);
              }).substr(0, 31),
              "postident.review_reason_missing");
    results.decide(placed.order_number, ReviewDecision::identify, "operator:anna", "",
                   now + 2 * kDay);
    EXPECT_EQ(state_of(placed.order_number), OrderState::identified);
    EXPECT_TRUE(results.review_queue(now).empty());
    EXPECT_EQ(count("postident_results", "review_state = 'identified' AND reviewed_by = "
                                         "'operator:anna'"),
              1);
    EXPECT_EQ(error_of([&] {
                  results.decide(placed.order_number, ReviewDecision::identify, "operator:anna",
                                 "", now + 2 * kDay);
              }).substr(0, 26),
              "postident.review_not_open ");
}

TEST_F(PostIdentImportTest, ADeclinedIdentificationGoesToReviewWithThePostOfficesReason) {
    const auto placed = place();
    auto result = success(placed);
    auto& status = result["identifications"][0]["identificationStatus"];
    status["status"] = "declined";
    status["subStatusReason"] = "document damaged";
    result["identifications"][0].erase("identificationDocument");
    EXPECT_EQ(import({{"declined.json", result.dump()}})[0].outcome, Outcome::declined);
    EXPECT_EQ(state_of(placed.order_number), OrderState::in_review);
    EXPECT_EQ(results.declined_reason(placed.order_number), "document damaged");
    // The reviewer sends the applicant to be identified again.
    results.decide(placed.order_number, ReviewDecision::identify_again, "operator:anna", "",
                   now + 2 * kDay);
    EXPECT_EQ(state_of(placed.order_number), OrderState::awaiting_identification);
}

TEST_F(PostIdentImportTest, AWrongBillingNumberOrASuspectedFraudGoesToReview) {
    const auto billing = place();
    auto wrong_billing = success(billing);
    wrong_billing["accountingData"]["accountingNumber"] = "99800000000999";
    const auto fraud = place();
    auto suspected = success(fraud);
    suspected["identifications"][0]["identificationStatus"]["subStatusReason"] =
        "suspected fraud";
    const auto report =
        import({{"billing.json", wrong_billing.dump()}, {"fraud.json", suspected.dump()}});
    EXPECT_EQ(report[0].reasons, std::vector<std::string>{"billing_number"});
    EXPECT_EQ(report[1].reasons, std::vector<std::string>{"suspected_fraud"});
    EXPECT_EQ(state_of(billing.order_number), OrderState::in_review);
    EXPECT_EQ(state_of(fraud.order_number), OrderState::in_review);
    EXPECT_EQ(results.review_queue(now).size(), 2u);
}

TEST_F(PostIdentImportTest, AResultForAnUnknownReferenceIsKeptAsideAndListed) {
    const auto placed = place();
    auto stranger = success(placed);
    stranger["orderData"]["processData"]["referenceId"] = "SCZZZZZZZZZZ";
    stranger["caseId"] = "CASE-STRANGER";
    const auto report = import({{"stranger.json", stranger.dump()}});
    EXPECT_EQ(report[0].outcome, Outcome::unmatched);
    EXPECT_EQ(state_of(placed.order_number), OrderState::awaiting_identification);
    const auto aside = results.unmatched();
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_EQ(aside[0].reference, "SCZZZZZZZZZZ");
    EXPECT_EQ(aside[0].case_id, "CASE-STRANGER");
    EXPECT_EQ(aside[0].source, "stranger.json");
}

TEST_F(PostIdentImportTest, AConflictingSecondResultStopsAnIdentifiedOrder) {
    const auto placed = place();
    import({{"first.json", success(placed).dump()}});
    ASSERT_EQ(state_of(placed.order_number), OrderState::identified);
    auto second = success(placed);
    second["caseId"] = "CASE-SECOND";
    auto& document = second["identifications"][0]["identificationDocument"];
    document["number"] = {{"status", "match"}, {"value", "T22000129"}};
    const auto report = import({{"second.json", second.dump()}});
    EXPECT_EQ(report[0].outcome, Outcome::in_review);
    EXPECT_NE(std::find(report[0].reasons.begin(), report[0].reasons.end(),
                        "conflicting_results"),
              report[0].reasons.end());
    EXPECT_EQ(state_of(placed.order_number), OrderState::in_review);
    // The same person and document once more is a confirmation, not a conflict.
    const auto other = place();
    import({{"a.json", success(other).dump()}});
    auto confirming = success(other);
    confirming["caseId"] = "CASE-CONFIRMING";
    EXPECT_EQ(import({{"b.json", confirming.dump()}})[0].outcome, Outcome::confirmed);
    EXPECT_EQ(state_of(other.order_number), OrderState::identified);
}

TEST_F(PostIdentImportTest, AResultForAFinishedOrderIsKeptAndChangesNothing) {
    const auto placed = place();
    intake.cancel_by_applicant(placed.order_number, now + 1);
    EXPECT_EQ(import({{"late.json", success(placed).dump()}})[0].outcome, Outcome::order_closed);
    EXPECT_EQ(state_of(placed.order_number), OrderState::cancelled);
    EXPECT_EQ(count("postident_results"), 1);
}

TEST_F(PostIdentImportTest, AnInvalidFileRefusesTheWholeImportWithItsNameAndNothingIsStored) {
    const auto first = place();
    const auto second = place();
    auto missing = success(second);
    missing["identifications"][0]["identificationStatus"].erase("status");
    const auto before = snapshot();
    const std::vector<std::pair<std::string, std::string>> bad{
        {"not-json.json", "{\"caseId\": "},
        {"missing.json", missing.dump()},
        {"array.json", "[]"},
    };
    for (const auto& entry : bad) {
        const auto& [name, content] = entry;
        const auto error = error_of([&] {
            import({{"good.json", success(first).dump()}, {entry.first, entry.second}});
        });
        EXPECT_TRUE(error.starts_with("postident.malformed_result | " + name)) << error;
        EXPECT_EQ(snapshot(), before) << name;
        EXPECT_EQ(state_of(first.order_number), OrderState::awaiting_identification) << name;
    }
    EXPECT_NE(error_of([&] { import({{"missing.json", missing.dump()}}); })
                  .find("identifications[0].identificationStatus.status: missing"),
              std::string::npos);
}

TEST_F(PostIdentImportTest, AFolderAndAZipAreReadInNameOrderAndAnImportIsOneTransaction) {
    const auto a = place();
    const auto b = place();
    const auto c = place();
    testing::TempDir folder("sigcard-postident");
    std::ofstream(folder.path() / "1-a.json") << success(a).dump();
    std::ofstream(folder.path() / "2-batch.zip", std::ios::binary)
        << testing::zip_of({{"results/b.json", success(b).dump()},
                            {"results/c.json", success(c).dump()}});
    std::ofstream(folder.path() / "readme.txt") << "not a result";
    const auto report = results.import(result_files(folder.path(), config.postident), now);
    ASSERT_EQ(report.size(), 3u);
    EXPECT_EQ(report[0].name, "1-a.json");
    EXPECT_EQ(report[1].name, "2-batch.zip/results/b.json");
    for (const auto& order : {a, b, c}) {
        EXPECT_EQ(state_of(order.order_number), OrderState::identified);
    }
}

TEST_F(PostIdentImportTest, AZipWithUnsafeNamesOrThatUnpacksBeyondItsLimitsIsRefusedWhole) {
    const auto placed = place();
    const auto good = success(placed).dump();
    const auto before = snapshot();
    const auto refused = [&](const std::string& archive) {
        return error_of([&] {
            results.import(zip_documents(archive, "delivery.zip", config.postident), now);
        });
    };
    for (const auto& name : {"../evil.json", "/etc/evil.json", "a/../../evil.json",
                             "C:/evil.json", "a\\..\\evil.json"}) {
        const auto error = refused(testing::zip_of({{"ok.json", good}, {name, good}}));
        EXPECT_TRUE(error.starts_with("postident.unsafe_archive")) << name << ": " << error;
    }
    // A bomb: 64 MiB of one byte packs to some kilobytes.
    const std::string bomb = testing::zip_of({{"ok.json", good}, {"bomb.json", std::string(64 << 20, ' ')}});
    EXPECT_LT(bomb.size(), 1u << 20);
    EXPECT_TRUE(refused(bomb).starts_with("postident.archive_too_large | delivery.zip/bomb.json"));
    // Within the size limit but far beyond the ratio: measured while unpacking, too.
    auto generous = config.postident;
    generous.max_document_bytes = 128 << 20;
    const auto ratio = error_of([&] {
        results.import(zip_documents(bomb, "delivery.zip", generous), now);
    });
    EXPECT_TRUE(ratio.starts_with("postident.archive_too_large")) << ratio;
    // Too many entries.
    auto few = config.postident;
    few.max_archive_entries = 2;
    const auto many = error_of([&] {
        results.import(zip_documents(testing::zip_of({{"1.json", good}, {"2.json", good},
                                                      {"3.json", good}}),
                                     "delivery.zip", few),
                       now);
    });
    EXPECT_TRUE(many.starts_with("postident.archive_too_large")) << many;
    // Not a ZIP at all.
    EXPECT_TRUE(refused("PK\x03\x04 broken").starts_with("postident.unreadable_file"));
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(state_of(placed.order_number), OrderState::awaiting_identification);
}

// The same import on PostgreSQL, in a schema of its own.
TEST(PostIdentImportOnPostgresql, IdentifiesReviewsAndRefusesLikeOnSqlite) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    storage::Database db(testing::fresh_postgresql_schema(conninfo, "postident_test"), 2);
    db.migrate();
    const auto config = pki::testing::test_config();
    const std::int64_t now = 1'796'000'000;
    orders::TermsCatalogue(db).publish("AGB", "2026-01", now - kDay, "operator:test");
    orders::SqlOrderStore store(db);
    orders::OrderBook book(store);
    testing::TempDir keys("sigcard-pg-keys");
    const auto key = new_order::DataKey::load_or_create(keys.path() / "data.key");
    new_order::NewOrders intake({config, db, book, key});
    PostIdentResults results({config, db, key});
    const auto place = [&] {
        return intake.submit({testing::valid_application(), {}, Secret("Sperre-2026!"),
                              Secret("Sperre-2026!"), ""},
                             now);
    };
    const auto matching = place();
    const auto changed = place();
    auto result = FakePostOffice::success(changed.postident_reference,
                                          testing::valid_application(),
                                          config.new_order.postident_billing_number);
    result["identifications"][0]["identificationDocument"]["birthPlace"] = {
        {"status", "change"}, {"value", "Bonn"}};
    const auto report = results.import(
        {{"a.json", FakePostOffice::success(matching.postident_reference,
                                            testing::valid_application(),
                                            config.new_order.postident_billing_number)
                        .dump()},
         {"b.json", result.dump()}},
        now);
    EXPECT_EQ(report[0].outcome, Outcome::identified);
    EXPECT_EQ(report[1].outcome, Outcome::in_review);
    EXPECT_EQ(book.find(matching.order_number)->state, OrderState::identified);
    ASSERT_EQ(results.review_queue(now).size(), 1u);
    results.decide(changed.order_number, ReviewDecision::reject, "operator:anna",
                   "Geburtsort weicht ab", now);
    EXPECT_EQ(book.find(changed.order_number)->state, OrderState::rejected);
    EXPECT_EQ(results.import({{"a.json", result.dump()}}, now)[0].outcome, Outcome::duplicate);
    EXPECT_TRUE(error_of([&] { results.import({{"x.json", "{}"}}, now); })
                    .starts_with("postident.malformed_result | x.json"));
    EXPECT_TRUE(audit::verify(db).intact);
}

}  // namespace
}  // namespace sigcard::identification
