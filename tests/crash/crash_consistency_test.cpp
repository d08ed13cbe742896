// An acknowledged order is never lost or duplicated — under load, whatever happens to the portal:
// - kill -9 at random moments (at least 20 per run), restarted each time, on SQLite and PostgreSQL
//   — with every seventh order sent by two connections at the same moment;
// - a power cut (tests/crash/power_cut/ drops every write not yet synced, then kills), on
//   SQLite, whose durability is SigCard's own (its log flush answers an order);
// - the disk full: the file size limit (RLIMIT_FSIZE: EFBIG) and a full tmpfs (ENOSPC) — orders
//   refused with storage.unavailable, the portal stays up, and takes orders again when space is
//   back.
// Afterwards, held against what every client was told: each order answered 201/200 is stored
// exactly once; no card and no application has two orders; every stored order is whole (its
// events, its document and signature or its application); the audit chain verifies; SQLite's
// integrity and foreign key checks pass. The figures are printed for docs/reliability.md.
#include "crash/crash_driver.hpp"

#include "support/postgresql_schema.hpp"
#include "support/services.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>

namespace sigcard::testing {
namespace {

using namespace std::chrono_literals;

struct Figures {
    int interruptions = 0;  // kills, power cuts
    int orders = 0;
    int acknowledged = 0;
    int found = 0;           // acknowledged and stored once, under the number the client was told
    int duplicates = 0;      // a card or an application with more than one order
    int half_stored = 0;     // orders without their events, document, signature or application
    int unacknowledged_stored = 0;  // clients that gave up, whose order was stored whole
    int refusals = 0;        // 503 storage.unavailable answers
    int attempts = 0;
};

std::string run_sigcard(const std::string& arguments) {
    const auto command = std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard " + arguments + " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) {
        out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    return (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok\n" : "failed\n") + out;
}

long long count(storage::Database& db, const std::string& sql, const std::string& value = "") {
    long long n = 0;
    db.with_session([&](soci::session& s) {
        if (value.empty()) {
            s << sql, soci::into(n);
        } else {
            s << sql, soci::use(value), soci::into(n);
        }
    });
    return n;
}

// Everything the clients were told, held against the database (the portal stopped).
Figures check_orders(CrashDriver& driver, const std::string& database_url) {
    Figures f;
    storage::Database db(database_url, 1);
    for (const auto& job : driver.jobs()) {
        ++f.orders;
        f.attempts += job.attempts;
        f.refusals += job.refusals;
        EXPECT_EQ(job.unexpected_answer, "") << job.path;
        const bool follow_up = job.kind == OrderJob::Kind::follow_up;
        const auto stored =
            follow_up ? count(db,
                              "SELECT COUNT(*) FROM orders o JOIN cards c ON o.card_id = c.id "
                              "WHERE c.card_serial = :s",
                              job.card_serial)
                      : count(db, "SELECT COUNT(*) FROM orders WHERE nonce = :k",
                              "new:api:" + job.idempotency_key);
        if (stored > 1) {
            ++f.duplicates;
            ADD_FAILURE() << "stored " << stored << " times: " << job.card_serial << job.idempotency_key;
        }
        if (job.acknowledged_number) {
            ++f.acknowledged;
            const auto under_number =
                count(db, "SELECT COUNT(*) FROM orders WHERE order_number = :n", *job.acknowledged_number);
            if (stored == 1 && under_number == 1) {
                ++f.found;
            } else {
                ADD_FAILURE() << "acknowledged order " << *job.acknowledged_number << " is stored "
                              << under_number << " times (" << stored << " for its card/key)";
            }
        } else if (stored == 1) {
            ++f.unacknowledged_stored;
        }
    }
    f.half_stored = static_cast<int>(
        count(db, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                  "(SELECT 1 FROM order_events e WHERE e.order_id = o.id)") +
        count(db, "SELECT COUNT(*) FROM orders WHERE order_data = '' OR document_sha256 = ''") +
        count(db, "SELECT COUNT(*) FROM orders o WHERE o.kind = 'follow_up' AND "
                  "(o.signature = '' OR NOT EXISTS (SELECT 1 FROM revocation_evidence r "
                  "WHERE r.id = o.evidence_id AND r.response <> ''))") +
        count(db, "SELECT COUNT(*) FROM orders o WHERE o.kind = 'new' AND NOT EXISTS "
                  "(SELECT 1 FROM new_order_applications a WHERE a.order_id = o.id)"));
    EXPECT_EQ(f.half_stored, 0);
    EXPECT_EQ(f.duplicates, 0);
    EXPECT_EQ(f.found, f.acknowledged);

    EXPECT_EQ(run_sigcard("audit verify --dir " + driver.dir().string()).substr(0, 3), "ok\n");
    if (database_url.starts_with("sqlite:")) {
        std::string integrity;
        db.with_session([&](soci::session& s) { s << "PRAGMA integrity_check", soci::into(integrity); });
        EXPECT_EQ(integrity, "ok");
        EXPECT_EQ(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
    }
    return f;
}

void print(const std::string& what, const Figures& f) {
    std::cout << fmt::format(
        "[figures] {}: interruptions {}, orders {}, acknowledged {}, found {}, duplicates {}, "
        "half stored {}, unacknowledged but stored whole {}, storage refusals {}, requests {}\n",
        what, f.interruptions, f.orders, f.acknowledged, f.found, f.duplicates, f.half_stored,
        f.unacknowledged_stored, f.refusals, f.attempts);
}

// kill -9 under load ------------------------------------------------------------------------

class KillUnderLoad : public ::testing::TestWithParam<std::string> {};

TEST_P(KillUnderLoad, EveryAcknowledgedOrderIsStoredOnceAfterTwentyKills) {
    std::string url;
    const std::string schema = "crash_kill_" + std::to_string(::getpid());
    if (GetParam() == "postgresql") {
        SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
        url = fresh_postgresql_schema(conninfo, schema);
    }
    {
        CrashDriver driver(url, "sigcard-crash-kill");
        const auto database_url = url.empty() ? "sqlite:" + (driver.dir() / "sigcard.db").string() : url;
        driver.start_portal();
        driver.prepare_orders(240, 160, 5);

        constexpr int kKills = 20;
        std::atomic<bool> sending{true};
        std::atomic<int> kills_under_load{0};
        std::thread killer([&] {
            std::mt19937 random(20261207);
            for (int k = 0; k < kKills; ++k) {
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 700)(random)));
                const bool under_load = sending;
                driver.kill_portal();
                kills_under_load += under_load ? 1 : 0;
                driver.start_portal();
            }
        });
        driver.send_all(8, 60ms);
        sending = false;
        killer.join();
        driver.stop_portal();

        auto figures = check_orders(driver, database_url);
        figures.interruptions = kills_under_load;
        print("kill -9, " + GetParam(), figures);
        EXPECT_GE(kills_under_load, kKills) << "the orders were all sent before the last kill";
        EXPECT_GT(figures.acknowledged, figures.orders * 3 / 4);
    }
    if (GetParam() == "postgresql") {
        drop_postgresql_schema(std::getenv("SIGCARD_TEST_POSTGRESQL"), schema);
    }
}

INSTANTIATE_TEST_SUITE_P(Databases, KillUnderLoad, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// A power cut under load (SQLite) ------------------------------------------------------------

TEST(PowerCut, EveryAcknowledgedOrderSurvivesTenCutsThatDropEveryUnsyncedWrite) {
    CrashDriver driver("", "sigcard-crash-power");
    const auto database = driver.dir() / "sigcard.db";
    driver.start_portal();
    driver.prepare_orders(260, 140, 0);
    driver.stop_portal();

    constexpr int kCuts = 10;
    std::atomic<bool> sending{true};
    int cuts = 0;
    std::vector<unsigned> cut_at;
    std::thread power([&] {
        std::mt19937 random(20261207);
        while (cuts < kCuts && sending) {
            const auto at = std::uniform_int_distribution<unsigned>(10, 200)(random);
            try {
                driver.start_portal({"LD_PRELOAD=" + std::string(SIGCARD_POWER_CUT_LIBRARY),
                                     "SIGCARD_POWER_CUT_FILES=" + database.string(),
                                     "SIGCARD_POWER_CUT_AT=" + std::to_string(at)});
            } catch (const std::runtime_error& e) {
                // The cut came while the portal started — or it could not start at all, which
                // the orders' checks below then show.
                std::cout << "[start] " << e.what() << "\n";
            }
            while (!driver.portal_ended() && sending) {
                std::this_thread::sleep_for(10ms);
            }
            if (driver.portal_ended()) {
                ++cuts;
                cut_at.push_back(at);
            }
        }
        driver.start_portal();  // the power is back for good
    });
    driver.send_all(8, 30ms);
    sending = false;
    power.join();
    driver.stop_portal();

    auto figures = check_orders(driver, "sqlite:" + database.string());
    figures.interruptions = cuts;
    print("power cut, sqlite", figures);
    EXPECT_EQ(cuts, kCuts) << "the orders were all sent before the last cut";
    std::string points;
    for (auto at : cut_at) {
        points += std::to_string(at) + " ";
    }
    std::cout << "[figures] power cuts at events: " << points << "\n";
}

// The disk full -----------------------------------------------------------------------------

// Sends every order while the disk is full for a while: `fill` makes it full once the load is
// under way, `free` gives the space back once orders were refused. The portal must stay up.
Figures orders_through_a_full_disk(CrashDriver& driver, const std::function<void()>& fill,
                                   const std::function<void()>& free) {
    const auto pid = driver.portal_pid();
    std::atomic<bool> sending{true};
    std::thread disk([&] {
        std::this_thread::sleep_for(300ms);
        fill();
        // Full until the clients were refused a good number of times, then space is back.
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (sending && std::chrono::steady_clock::now() < deadline &&
               driver.storage_refusals() < 20) {
            std::this_thread::sleep_for(50ms);
        }
        free();
    });
    driver.send_all(8, 20ms);
    sending = false;
    disk.join();
    EXPECT_FALSE(driver.portal_ended()) << "the portal ended while the disk was full";
    EXPECT_EQ(driver.portal_pid(), pid);
    driver.stop_portal();
    return check_orders(driver, "sqlite:" + (driver.dir() / "sigcard.db").string());
}

TEST(DiskFull, OrdersOverTheFileSizeLimitAreRefusedClearlyAndTakenWhenSpaceIsBack) {
    CrashDriver driver("", "sigcard-crash-fsize");
    driver.start_portal();
    driver.prepare_orders(150, 80, 0);
    driver.stop_portal();
    const auto database = driver.dir() / "sigcard.db";
    // The limit a little above the database as it is: the first orders fit, then its log or
    // its checkpoint meets the limit (EFBIG; SIGXFSZ is ignored by the portal).
    const auto limit = static_cast<rlim_t>(std::filesystem::file_size(database)) + 256 * 1024;
    driver.start_portal();
    const auto pid = driver.portal_pid();
    const auto figures = orders_through_a_full_disk(
        driver,
        [&] {
            const rlimit l{limit, RLIM_INFINITY};
            ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, &l, nullptr), 0);
        },
        [&] {
            const rlimit l{RLIM_INFINITY, RLIM_INFINITY};
            ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, &l, nullptr), 0);
        });
    print("file size limit (EFBIG), sqlite", figures);
    EXPECT_GT(figures.refusals, 0) << "the limit was never met";
    EXPECT_EQ(figures.acknowledged, figures.orders);
}

TEST(DiskFull, OrdersOnAFullFileSystemAreRefusedClearlyAndTakenWhenSpaceIsBack) {
    // A tmpfs of its own: mounting one needs the right to (root, or CAP_SYS_ADMIN).
    TempDir mount_point("sigcard-crash-tmpfs");
    if (::mount("tmpfs", mount_point.path().c_str(), "tmpfs", 0, "size=48m") != 0) {
        GTEST_SKIP() << "no tmpfs can be mounted here (" << std::strerror(errno)
                     << "); the file size limit test covers the disk full";
    }
    {
        const auto old_tmp = std::getenv("TMPDIR");
        ::setenv("TMPDIR", mount_point.path().c_str(), 1);
        CrashDriver driver("", "sigcard-crash-enospc");
        old_tmp ? ::setenv("TMPDIR", old_tmp, 1) : ::unsetenv("TMPDIR");
        driver.start_portal();
        driver.prepare_orders(150, 80, 0);
        const auto filler = mount_point.path() / "filler";
        const auto figures = orders_through_a_full_disk(
            driver,
            [&] {
                // Everything the file system has left, in one file.
                std::FILE* f = std::fopen(filler.c_str(), "wb");
                std::vector<char> block(1 << 20, 'x');
                while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
                }
                std::fclose(f);
            },
            [&] { std::filesystem::remove(filler); });
        print("file system full (ENOSPC), sqlite", figures);
        EXPECT_GT(figures.refusals, 0) << "the disk was never full for an order";
        EXPECT_EQ(figures.acknowledged, figures.orders);
    }
    ::umount2(mount_point.path().c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace sigcard::testing
