#include "storage/group_commit.hpp"
#include "storage/log_flush.hpp"
#include "support/services.hpp"

#include "support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <system_error>
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

// A flush that waits until the test opens it, and counts: the log flush of the database inside.
class HeldFlush {
public:
    explicit HeldFlush(Database& db) : log_(*db.connect()) {}
    GroupCommit::Flush function() {
        return [this] {
            std::unique_lock lock(mutex_);
            ++started_;
            changed_.notify_all();
            changed_.wait(lock, [this] { return open_; });
            if (fail_) {
                throw std::system_error(EIO, std::generic_category(), "fdatasync");
            }
            log_.flush();
        };
    }
    void wait_started(int n) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return started_ >= n; });
    }
    void open(bool fail = false) {
        std::lock_guard lock(mutex_);
        open_ = true;
        fail_ = fail;
        changed_.notify_all();
    }

private:
    LogFlush log_;
    std::mutex mutex_;
    std::condition_variable changed_;
    int started_ = 0;
    bool open_ = false;
    bool fail_ = false;
};

// The writer commits the next batch while the last one is being flushed, and no work is settled
// (answered) before the flush that covers its commit has returned.
TEST_F(GroupCommitTest, TheNextBatchIsWrittenWhileTheLastIsFlushedAndNoneIsSettledBeforeItsFlush) {
    HeldFlush held(db);
    std::promise<std::exception_ptr> first, second;
    auto first_settled = first.get_future();
    auto second_settled = second.get_future();
    GroupCommit commit(db, insert_all, 128, held.function());
    commit.enqueue(std::make_unique<Insert>(1, first));
    held.wait_started(1);  // the first batch is committed, its flush is held
    commit.enqueue(std::make_unique<Insert>(2, second));
    // The second batch commits although the first one's flush has not returned.
    for (int i = 0; i < 500 && commit.counts().transactions < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(commit.counts().transactions, 2u);
    EXPECT_EQ(rows(), 2);
    // Neither is answered while the flush is held.
    EXPECT_EQ(first_settled.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
    EXPECT_EQ(second_settled.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
    held.open();
    EXPECT_EQ(first_settled.get(), nullptr);
    EXPECT_EQ(second_settled.get(), nullptr);
}

// When the log cannot be flushed, the committed batches may be lost: every work of them learns
// that instead of an answer saying it is stored.
TEST_F(GroupCommitTest, AFailedFlushIsEveryUnflushedWorksFailure) {
    HeldFlush held(db);
    std::vector<std::promise<std::exception_ptr>> settled(3);
    GroupCommit commit(db, insert_all, 128, held.function());
    for (int i = 0; i < 3; ++i) {
        commit.enqueue(std::make_unique<Insert>(i, settled[static_cast<std::size_t>(i)]));
    }
    held.wait_started(1);
    held.open(/*fail=*/true);
    for (auto& s : settled) {
        const auto failure = s.get_future().get();
        ASSERT_NE(failure, nullptr);
        // Told as the storage's failure, with its German and English text: not confirmed.
        try {
            std::rethrow_exception(failure);
        } catch (const Error& e) {
            EXPECT_EQ(e.id(), "storage.unavailable");
            EXPECT_THAT(e.detail(), ::testing::HasSubstr("fdatasync"));
        }
    }
}

// The writer's connection leaves the flush to LogFlush; every other connection still waits for
// the disk in its own commit.
TEST_F(GroupCommitTest, OnlyTheWritersConnectionCommitsWithoutWaitingForTheDisk) {
    const auto synchronous = [](soci::session& s) {
        int level = -1;
        s << "PRAGMA synchronous", soci::into(level);
        return level;
    };
    int writer_level = -1;
    std::promise<std::exception_ptr> settled;
    auto result = settled.get_future();
    GroupCommit commit(db, [&](soci::session& s, GroupCommit::Batch& batch) {
        writer_level = synchronous(s);
        insert_all(s, batch);
    });
    commit.enqueue(std::make_unique<Insert>(1, settled));
    EXPECT_EQ(result.get(), nullptr);
    EXPECT_EQ(writer_level, 1);                                                       // NORMAL
    EXPECT_EQ(db.with_session([&](soci::session& s) { return synchronous(s); }), 2);  // FULL
}

// A savepoint's journal (a page's old content, two writes per page in a file) stays in memory,
// and pages are read through a memory map instead of one read call each.
TEST_F(GroupCommitTest, TheWritersConnectionKeepsItsStatementJournalInMemoryAndMapsTheFile) {
    int temp_store = -1;
    long long mmap_size = -1;
    std::promise<std::exception_ptr> settled;
    auto result = settled.get_future();
    GroupCommit commit(db, [&](soci::session& s, GroupCommit::Batch& batch) {
        s << "PRAGMA temp_store", soci::into(temp_store);
        s << "PRAGMA mmap_size", soci::into(mmap_size);
        insert_all(s, batch);
    });
    commit.enqueue(std::make_unique<Insert>(1, settled));
    EXPECT_EQ(result.get(), nullptr);
    EXPECT_EQ(temp_store, 2);  // MEMORY
    EXPECT_GE(mmap_size, 256LL << 20);
}

// The log flushed is the one at the database's path, also after SQLite made it anew.
TEST_F(GroupCommitTest, TheLogFlushFollowsTheLogFile) {
    LogFlush log(*db.connect());
    EXPECT_NO_THROW(log.flush());
    const auto wal = dir / "g.db-wal";
    ASSERT_TRUE(std::filesystem::exists(wal));
    std::filesystem::rename(wal, dir / "moved");
    EXPECT_THROW(log.flush(), std::system_error);  // no log at the path: not reported flushed
    std::filesystem::rename(dir / "moved", wal);
    EXPECT_NO_THROW(log.flush());
}

// On PostgreSQL a commit waits for its own flush: the flusher has nothing to flush, and every
// work is still settled only after its batch committed (scripts/test starts the local cluster
// and sets SIGCARD_TEST_POSTGRESQL).
TEST(GroupCommitOnPostgresql, EveryWorkIsSettledAfterItsBatchCommitted) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    Database db(std::string("postgresql:") + conninfo, 2);
    // A schema of its own: other PostgreSQL tests recreate the public one.
    db.with_session([](soci::session& s) {
        s << "DROP SCHEMA IF EXISTS group_commit_test CASCADE";
        s << "CREATE SCHEMA group_commit_test";
        s << "CREATE TABLE group_commit_test.t (k INTEGER PRIMARY KEY)";
    });
    std::vector<std::promise<std::exception_ptr>> settled(20);
    {
        GroupCommit commit(db, [](soci::session& s, GroupCommit::Batch& batch) {
            for (auto& work : batch) {
                const int key = static_cast<Insert&>(*work).key;
                s << "INSERT INTO group_commit_test.t (k) VALUES (:k)", soci::use(key);
            }
        });
        for (int i = 0; i < 20; ++i) {
            commit.enqueue(std::make_unique<Insert>(i, settled[static_cast<std::size_t>(i)]));
        }
        for (int i = 0; i < 20; ++i) {
            EXPECT_EQ(settled[static_cast<std::size_t>(i)].get_future().get(), nullptr);
            int found = 0;
            db.with_session([&](soci::session& s) {
                s << "SELECT COUNT(*) FROM group_commit_test.t WHERE k = :k", soci::use(i),
                    soci::into(found);
            });
            EXPECT_EQ(found, 1) << i;
        }
    }
    db.with_session([](soci::session& s) { s << "DROP SCHEMA group_commit_test CASCADE"; });
}

}  // namespace
}  // namespace sigcard::storage
