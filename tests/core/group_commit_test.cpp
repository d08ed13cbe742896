#include "storage/group_commit.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace sigcard::storage {
namespace {

// A row to insert; settled with whether its batch committed.
struct Insert final : GroupCommit::Work {
    Insert(int k, std::promise<std::exception_ptr>& settled) : key(k), settled(settled) {}
    void settle(std::exception_ptr failure) noexcept override { settled.set_value(failure); }
    int key;
    std::promise<std::exception_ptr>& settled;
};

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
    static void insert_all(soci::session& s, GroupCommit::Batch& batch) {
        for (auto& work : batch) {
            const int key = static_cast<Insert&>(*work).key;
            s << "INSERT INTO t (k, v) VALUES (:k, 'x')", soci::use(key);
        }
    }
    testing::TempDir dir;
    Database db{"sqlite:" + (dir / "g.db").string(), 4};
};

TEST_F(GroupCommitTest, ConcurrentWritersShareTransactionsAndEachIsSettledAfterItsCommit) {
    std::atomic<int> settled_before_visible = 0;
    std::vector<std::promise<std::exception_ptr>> settled(40);
    {
        GroupCommit commit(db, insert_all);
        std::vector<std::thread> writers;
        for (int i = 0; i < 40; ++i) {
            writers.emplace_back([&, i] {
                commit.enqueue(std::make_unique<Insert>(i, settled[static_cast<std::size_t>(i)]));
                EXPECT_EQ(settled[static_cast<std::size_t>(i)].get_future().get(), nullptr);
                // Durable when settled: another connection sees the row.
                int found = 0;
                db.with_session([&](soci::session& s) {
                    s << "SELECT COUNT(*) FROM t WHERE k = :k", soci::use(i), soci::into(found);
                });
                if (found != 1) {
                    ++settled_before_visible;
                }
            });
        }
        for (auto& w : writers) {
            w.join();
        }
        const auto counts = commit.counts();
        EXPECT_EQ(counts.works, 40u);
        EXPECT_LE(counts.transactions, counts.works);
    }
    EXPECT_EQ(settled_before_visible.load(), 0);
    EXPECT_EQ(rows(), 40);
}

TEST_F(GroupCommitTest, AFailingBatchStoresNothingAndEveryWorkLearnsWhy) {
    GroupCommit commit(db, [](soci::session& s, GroupCommit::Batch& batch) {
        insert_all(s, batch);
        throw std::runtime_error("disk full");
    });
    std::promise<std::exception_ptr> settled;
    auto result = settled.get_future();
    commit.enqueue(std::make_unique<Insert>(1, settled));
    const auto failure = result.get();
    ASSERT_NE(failure, nullptr);
    EXPECT_THROW(std::rethrow_exception(failure), std::runtime_error);
    EXPECT_EQ(rows(), 0);
    EXPECT_EQ(commit.counts().transactions, 0u);
}

TEST_F(GroupCommitTest, DestructionFinishesWhatIsQueued) {
    std::vector<std::promise<std::exception_ptr>> settled(20);
    {
        GroupCommit commit(db, insert_all);
        for (int i = 0; i < 20; ++i) {
            commit.enqueue(std::make_unique<Insert>(i, settled[static_cast<std::size_t>(i)]));
        }
    }
    for (auto& s : settled) {
        EXPECT_EQ(s.get_future().get(), nullptr);
    }
    EXPECT_EQ(rows(), 20);
}

// A processor may keep statements prepared on its session: every batch gets the same connection,
// also when every pooled connection is held by someone else as the batch begins.
TEST_F(GroupCommitTest, EveryBatchRunsOnTheWritersOwnConnection) {
    std::vector<const void*> connections;
    GroupCommit commit(db, [&](soci::session& s, GroupCommit::Batch& batch) {
        connections.push_back(s.get_backend());
        insert_all(s, batch);
    });
    const auto commit_one = [&](int key) {
        std::promise<std::exception_ptr> settled;
        auto result = settled.get_future();
        commit.enqueue(std::make_unique<Insert>(key, settled));
        EXPECT_EQ(result.get(), nullptr);
    };
    commit_one(1);
    db.with_session([&](soci::session&) {
        db.with_session([&](soci::session&) {
            db.with_session([&](soci::session&) {
                db.with_session([&](soci::session&) { commit_one(2); });  // the whole pool held
            });
        });
    });
    ASSERT_EQ(connections.size(), 2u);
    EXPECT_EQ(connections[0], connections[1]);
    EXPECT_EQ(rows(), 2);
}

}  // namespace
}  // namespace sigcard::storage
