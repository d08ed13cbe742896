#include "storage/group_commit.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sigcard::storage {
namespace {

class GroupCommitTest : public ::testing::Test {
protected:
    void SetUp() override {
        db.with_session(
            [](soci::session& s) { s << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"; });
    }
    int rows() {
        int n = 0;
        db.with_session([&](soci::session& s) { s << "SELECT COUNT(*) FROM t", soci::into(n); });
        return n;
    }
    testing::TempDir dir;
    Database db{"sqlite:" + (dir / "g.db").string(), 4};
};

TEST_F(GroupCommitTest, ConcurrentWritersShareTransactionsAndAllAreStored) {
    GroupCommit commit(db);
    std::vector<std::thread> writers;
    for (int i = 0; i < 40; ++i) {
        writers.emplace_back([&, i] {
            commit.run([i](soci::session& s) {
                s << "INSERT INTO t (k, v) VALUES (:k, 'x')", soci::use(i);
            });
        });
    }
    for (auto& w : writers) {
        w.join();
    }
    EXPECT_EQ(rows(), 40);
    const auto counts = commit.counts();
    EXPECT_EQ(counts.works, 40u);
    EXPECT_LE(counts.transactions, counts.works);
}

TEST_F(GroupCommitTest, AFailingWorkRollsBackOnlyItself) {
    GroupCommit commit(db);
    commit.run([](soci::session& s) { s << "INSERT INTO t (k, v) VALUES (1, 'a')"; });
    std::atomic<int> failures = 0;
    std::vector<std::thread> writers;
    for (int i = 2; i < 12; ++i) {
        writers.emplace_back([&, i] {
            try {
                commit.run([i](soci::session& s) {
                    s << "INSERT INTO t (k, v) VALUES (:k, 'b')", soci::use(i);
                    if (i % 3 == 0) {
                        s << "INSERT INTO t (k, v) VALUES (1, 'duplicate')";  // fails: key 1 exists
                    }
                });
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (auto& w : writers) {
        w.join();
    }
    EXPECT_EQ(failures.load(), 3);  // 3, 6, 9
    EXPECT_EQ(rows(), 1 + 10 - 3);  // the failing works left not even their first row
}

TEST_F(GroupCommitTest, AnExceptionReachesItsCaller) {
    GroupCommit commit(db);
    EXPECT_THROW(commit.run([](soci::session&) { throw std::runtime_error("refused"); }),
                 std::runtime_error);
    EXPECT_EQ(rows(), 0);
}

}  // namespace
}  // namespace sigcard::storage
