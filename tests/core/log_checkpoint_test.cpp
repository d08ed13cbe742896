#include "storage/log_checkpoint.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace sigcard::storage {
namespace {

class LogCheckpointerTest : public ::testing::Test {
protected:
    void SetUp() override {
        db.with_session(
            [](soci::session& s) { s << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"; });
        *writer << "PRAGMA synchronous=NORMAL";  // as the group-commit writer's connection
    }

    // One transaction per row of about a page, as the writer commits its batches.
    void commit_rows(int first, int count) {
        for (int k = first; k < first + count; ++k) {
            const std::string v(3000, static_cast<char>('a' + k % 26));
            db.in_transaction(*writer, [&](soci::session& s) {
                s << "INSERT INTO t (k, v) VALUES (:k, :v)", soci::use(k), soci::use(v);
            });
        }
    }

    std::uintmax_t database_file_size() const { return std::filesystem::file_size(dir / "c.db"); }

    struct Seen {
        int rows = 0;
        std::string integrity;
    };
    Seen seen() {
        Seen out;
        db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM t", soci::into(out.rows);
            s << "PRAGMA integrity_check", soci::into(out.integrity);
        });
        return out;
    }

    testing::TempDir dir{"sigcard-ckpt"};
    Database db{"sqlite:" + (dir / "c.db").string(), 1};
    std::unique_ptr<soci::session> writer = db.connect();
};

TEST_F(LogCheckpointerTest, CopiesTheLogBackOnItsOwnThreadWhileTheWriterOnlyCommits) {
    LogCheckpointer checkpointer(db, *writer, 20, 1'000'000);
    const auto before = database_file_size();
    commit_rows(0, 300);  // about 300 pages of log

    // In WAL mode the database file grows only by checkpoints.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (database_file_size() < before + 250 * 3000 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(database_file_size(), before + 250 * 3000);
    const auto counts = checkpointer.counts();
    EXPECT_GE(counts.by_thread, 1u);
    EXPECT_EQ(counts.by_writer, 0u);
    EXPECT_GE(counts.longest_log, 300);
    const auto s = seen();
    EXPECT_EQ(s.rows, 300);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(LogCheckpointerTest, AfterTheThreadsCheckpointAtTheLimitTheWriterLetsTheLogStartOver) {
    LogCheckpointer checkpointer(db, *writer, 20, 50);
    commit_rows(0, 400);

    const auto counts = checkpointer.counts();
    EXPECT_GE(counts.by_thread, 1u);
    EXPECT_GE(counts.by_writer, 1u);
    // Bounded: at the latest at twice the limit the writer copies back (plus one transaction).
    EXPECT_LT(counts.longest_log, 110);
    // The log file is reused from its start, so it never grew past that either.
    EXPECT_LT(std::filesystem::file_size(dir / "c.db-wal"), 110u * (4096 + 24) + 32);
    const auto s = seen();
    EXPECT_EQ(s.rows, 400);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(LogCheckpointerTest, WithoutTheThreadTheWriterCopiesBackAtTwiceTheLimit) {
    LogCheckpointer checkpointer(db, *writer, 1'000'000, 50);
    commit_rows(0, 400);

    const auto counts = checkpointer.counts();
    EXPECT_EQ(counts.by_thread, 0u);
    EXPECT_GE(counts.by_writer, 3u);
    EXPECT_GE(counts.longest_log, 100);
    EXPECT_LT(counts.longest_log, 110);
    EXPECT_LT(std::filesystem::file_size(dir / "c.db-wal"), 110u * (4096 + 24) + 32);
    const auto s = seen();
    EXPECT_EQ(s.rows, 400);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(LogCheckpointerTest, TheWritersConnectionNoLongerCheckpointsOnItsOwn) {
    // SQLite would checkpoint after the commit that takes the log past 1 000 pages
    // (wal_autocheckpoint); the checkpointer's hook takes its place.
    LogCheckpointer checkpointer(db, *writer, 1'000'000, 1'000'000);
    const auto before = database_file_size();
    commit_rows(0, 1100);
    EXPECT_EQ(database_file_size(), before);  // nothing copied back: neither thread nor limit
    EXPECT_GE(checkpointer.counts().longest_log, 1100);
    EXPECT_EQ(seen().rows, 1100);
}

}  // namespace
}  // namespace sigcard::storage
