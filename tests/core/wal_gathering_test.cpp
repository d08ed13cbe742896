#include "storage/wal_gathering.hpp"
#include "storage/database.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace sigcard::storage {
namespace {

// A database in WAL mode opened through the gathering VFS (Database installs it).
class WalGathering : public ::testing::Test {
protected:
    void SetUp() override {
        db.with_session([](soci::session& s) {
            s << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)";
            s << "CREATE INDEX t_v ON t (v)";
        });
    }

    // Inserts `rows` rows of `size` bytes each, keys from `first`, in the caller's transaction.
    static void insert(soci::session& s, int first, int rows, std::size_t size) {
        for (int k = first; k < first + rows; ++k) {
            const std::string v = std::to_string(k) + std::string(size, 'a' + k % 26);
            s << "INSERT INTO t (k, v) VALUES (:k, :v)", soci::use(k), soci::use(v);
        }
    }

    // Counts rows and bytes as a connection of another process sees them (a fresh connection
    // reads the files: nothing of a writer's memory).
    struct Seen {
        int rows = 0;
        long long bytes = 0;
        std::string integrity;
    };
    Seen seen() {
        Database other(url, 1);
        Seen out;
        other.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*), COALESCE(SUM(LENGTH(v)), 0) FROM t", soci::into(out.rows),
                soci::into(out.bytes);
            s << "PRAGMA integrity_check", soci::into(out.integrity);
        });
        return out;
    }

    // Runs `child` in a process of its own and returns its exit code. A child that calls _exit
    // itself (no destructor, no close) leaves what a crash leaves.
    static int in_child_process(const std::function<int()>& child) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            int code = 99;
            try {
                code = child();
            } catch (...) {
                code = 98;
            }
            ::_exit(code);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    testing::TempDir dir{"sigcard-wal"};
    std::string url = "sqlite:" + (dir / "w.db").string();
    Database db{url, 2};
};

TEST_F(WalGathering, ATransactionsLogFramesAreWrittenTogether) {
    const auto before = wal_gathering::counts();
    db.in_transaction([](soci::session& s) { insert(s, 0, 100, 300); });  // table and index
    const auto after = wal_gathering::counts();

    const auto frames = after.frames - before.frames;
    EXPECT_GE(frames, 10u);
    EXPECT_EQ(after.writes - before.writes, 1u) << frames << " frames";
    const auto s = seen();
    EXPECT_EQ(s.rows, 100);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(WalGathering, ALargeTransactionIsWrittenInPiecesAndWhole) {
    // 6 MiB: beyond what is gathered at once and beyond what the default VFS takes in one write.
    db.in_transaction([](soci::session& s) { insert(s, 0, 1500, 4000); });
    const auto s = seen();
    EXPECT_EQ(s.rows, 1500);
    EXPECT_EQ(s.bytes, 1500LL * 4000 + 10 + 90 * 2 + 900 * 3 + 500 * 4);  // values and key digits
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(WalGathering, ACommitIsInTheFileWhenCommitReturns) {
    const int code = in_child_process([&]() -> int {
        Database child(url, 1);
        child.with_session([](soci::session& s) {
            s << "PRAGMA synchronous=NORMAL";  // as the group-commit writer: no sync at commit
            s << "BEGIN IMMEDIATE";
            insert(s, 0, 50, 500);
            s << "COMMIT";
        });
        ::_exit(0);  // without closing: nothing gathered may still be only in memory
    });
    ASSERT_EQ(code, 0);
    const auto s = seen();
    EXPECT_EQ(s.rows, 50);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(WalGathering, AnUnfinishedTransactionLeavesNothing) {
    db.in_transaction([](soci::session& s) { insert(s, 0, 10, 100); });
    const int code = in_child_process([&]() -> int {
        Database child(url, 1);
        child.with_session([](soci::session& s) {
            s << "BEGIN IMMEDIATE";
            insert(s, 10, 400, 1000);
        });
        ::_exit(0);  // in the middle of the transaction
    });
    ASSERT_EQ(code, 0);
    const auto s = seen();
    EXPECT_EQ(s.rows, 10);
    EXPECT_EQ(s.integrity, "ok");
    // And the next writer goes on from there.
    db.in_transaction([](soci::session& s) { insert(s, 10, 10, 100); });
    EXPECT_EQ(seen().rows, 20);
}

TEST_F(WalGathering, AWriterReadsBackWhatItSpilledToTheLog) {
    db.with_session([](soci::session& s) {
        s << "PRAGMA cache_size=4";  // pages leave the cache for the log mid-transaction
        s << "BEGIN IMMEDIATE";
        insert(s, 0, 600, 1000);
        int rows = 0;
        long long bytes = 0;
        s << "SELECT COUNT(*), SUM(LENGTH(v)) FROM t", soci::into(rows), soci::into(bytes);
        EXPECT_EQ(rows, 600);
        EXPECT_EQ(bytes, 600LL * 1000 + 10 + 90 * 2 + 500 * 3);
        std::string v;
        s << "SELECT v FROM t WHERE k = 7", soci::into(v);
        EXPECT_EQ(v, "7" + std::string(1000, 'h'));
        s << "COMMIT";
    });
    const auto s = seen();
    EXPECT_EQ(s.rows, 600);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(WalGathering, ReadersSeeWholeCommitsThroughCheckpointsAndRestarts) {
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    std::atomic<int> reads{0};
    std::thread reader([&] {
        Database other(url, 1);
        int last = 0;
        while (!done) {
            int rows = 0;
            other.with_session(
                [&](soci::session& s) { s << "SELECT COUNT(*) FROM t", soci::into(rows); });
            if (rows % 5 != 0 || rows < last) {
                ++torn;
            }
            last = rows;
            ++reads;
        }
    });
    const auto writer = db.connect();
    *writer << "PRAGMA synchronous=NORMAL";  // as the group-commit writer: no sync at commit
    *writer << "PRAGMA wal_autocheckpoint=20";
    for (int i = 0; i < 300; ++i) {
        db.in_transaction(*writer, [&](soci::session& s) { insert(s, i * 5, 5, 700); });
    }
    done = true;
    reader.join();
    EXPECT_EQ(torn.load(), 0);
    EXPECT_GT(reads.load(), 0);
    const auto s = seen();
    EXPECT_EQ(s.rows, 1500);
    EXPECT_EQ(s.integrity, "ok");
}

TEST_F(WalGathering, AFailedWriteFailsTheCommitAndKeepsTheCommitsBefore) {
    db.in_transaction([](soci::session& s) { insert(s, 0, 10, 100); });
    const auto log = std::filesystem::path(dir / "w.db-wal");
    const int code = in_child_process([&] {
        Database child(url, 1);
        return child.with_session([&](soci::session& s) {
            s << "PRAGMA cache_size=-65536";  // the whole transaction stays gathered till commit
            s << "BEGIN IMMEDIATE";
            insert(s, 10, 200, 2000);
            // The disk is full for this process from here: files cannot grow past 32 KiB more.
            std::signal(SIGXFSZ, SIG_IGN);
            const auto limit = static_cast<rlim_t>(std::filesystem::file_size(log) + 32 * 1024);
            const rlimit rl{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &rl);
            try {
                s << "COMMIT";
                return 1;  // must not succeed
            } catch (const soci::soci_error&) {
            }
            try {
                s << "ROLLBACK";  // if SQLite has not rolled back already
            } catch (const soci::soci_error&) {
            }
            int rows = 0;
            s << "SELECT COUNT(*) FROM t", soci::into(rows);
            return rows == 10 ? 0 : 2;
        });
    });
    ASSERT_EQ(code, 0);
    const auto s = seen();
    EXPECT_EQ(s.rows, 10);
    EXPECT_EQ(s.integrity, "ok");
}

}  // namespace
}  // namespace sigcard::storage
