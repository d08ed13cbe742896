#include "audit/audit_log.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

namespace sigcard::audit {
namespace {

class AuditLogTest : public ::testing::Test {
protected:
    void SetUp() override { db.migrate(); }

    void append_three() {
        for (int i = 1; i <= 3; ++i) {
            db.in_transaction([&](soci::session& s) {
                append(s, db.dialect(), "operator:test", "order.approved",
                       "SC-" + std::to_string(i), "{}");
            });
        }
    }

    testing::TempDir dir;
    storage::Database db{"sqlite:" + (dir / "audit.db").string(), 2};
};

TEST_F(AuditLogTest, EmptyLogIsIntact) {
    const auto result = verify(db);
    EXPECT_TRUE(result.intact);
    EXPECT_EQ(result.records, 0);
}

TEST_F(AuditLogTest, ChainsEachRecordToTheOneBefore) {
    append_three();
    const auto result = verify(db);
    EXPECT_TRUE(result.intact) << result.reason;
    EXPECT_EQ(result.records, 3);
    std::string prev2, hash1;
    db.with_session([&](soci::session& s) {
        s << "SELECT prev_hash FROM audit_log WHERE seq = 2", soci::into(prev2);
        s << "SELECT hash FROM audit_log WHERE seq = 1", soci::into(hash1);
    });
    EXPECT_EQ(prev2, hash1);
}

TEST_F(AuditLogTest, NamesTheFirstChangedRecord) {
    append_three();
    db.with_session(
        [](soci::session& s) { s << "UPDATE audit_log SET subject = 'SC-99' WHERE seq = 2"; });
    const auto result = verify(db);
    EXPECT_FALSE(result.intact);
    ASSERT_TRUE(result.first_broken_seq);
    EXPECT_EQ(*result.first_broken_seq, 2);
}

TEST_F(AuditLogTest, FindsARemovedRecordInTheMiddle) {
    append_three();
    db.with_session([](soci::session& s) { s << "DELETE FROM audit_log WHERE seq = 2"; });
    const auto result = verify(db);
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.first_broken_seq.value_or(0), 2);
}

TEST_F(AuditLogTest, FindsARemovedLastRecord) {
    append_three();
    db.with_session([](soci::session& s) { s << "DELETE FROM audit_log WHERE seq = 3"; });
    const auto result = verify(db);
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.first_broken_seq.value_or(0), 3);
}

TEST_F(AuditLogTest, ARecordRewrittenWithAFreshHashBreaksTheNext) {
    append_three();
    AuditRecord r;
    db.with_session([&](soci::session& s) {
        s << "SELECT seq, at, actor, action, subject, details, prev_hash FROM audit_log WHERE seq "
             "= 2",
            soci::into(r.seq), soci::into(r.at), soci::into(r.actor), soci::into(r.action),
            soci::into(r.subject), soci::into(r.details), soci::into(r.prev_hash);
        r.subject = "forged";
        const std::string hash = record_hash(r);
        s << "UPDATE audit_log SET subject = 'forged', hash = :h WHERE seq = 2", soci::use(hash);
    });
    const auto result = verify(db);
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.first_broken_seq.value_or(0), 3);
}

TEST_F(AuditLogTest, RolledBackChangeLeavesNoRecord) {
    EXPECT_THROW(db.in_transaction([&](soci::session& s) {
        append(s, db.dialect(), "system", "x", "y", "{}");
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    EXPECT_EQ(verify(db).records, 0);
    EXPECT_TRUE(verify(db).intact);
}

// The submission writer keeps one appender for its session: each transaction starts with
// restart(), which must read the chain's end as stored, also after a transaction that rolled back.
TEST_F(AuditLogTest, AnAppenderKeptAcrossTransactionsContinuesTheStoredChain) {
    db.with_session([&](soci::session& s) {
        std::optional<Appender> appender;
        db.in_transaction(s, [&](soci::session& tx) {
            appender.emplace(tx, db.dialect());
            appender->append("system", "order.submitted", "FA-1", "{}");
            appender->append("system", "order.submitted", "FA-2", "{}");
            appender->finish();
        });
        EXPECT_THROW(db.in_transaction(s,
                                       [&](soci::session&) {
                                           appender->restart();
                                           appender->append("system", "order.submitted", "FA-X",
                                                            "{}");
                                           appender->finish();
                                           throw std::runtime_error("batch failed");
                                       }),
                     std::runtime_error);
        db.in_transaction(s, [&](soci::session&) {
            appender->restart();
            const auto record = appender->append("system", "order.submitted", "FA-3", "{}");
            EXPECT_EQ(record.seq, 3);
            appender->finish();
        });
    });
    const auto result = verify(db);
    EXPECT_TRUE(result.intact) << result.reason;
    EXPECT_EQ(result.records, 3);
}

}  // namespace
}  // namespace sigcard::audit
