#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace sigcard::storage {
namespace {

TEST(Database, MigratesOnceAndRecordsVersion) {
    testing::TempDir dir("sigcard-db");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        EXPECT_GT(db.migrate(), 0);
        const int version = db.schema_version();
        EXPECT_GE(version, 1);
        EXPECT_EQ(db.migrate(), 0);
        EXPECT_EQ(db.schema_version(), version);
    }
}

TEST(Database, SharedEvidenceMigrationMovesEachOrdersOwnResponse) {
    testing::TempDir dir("sigcard-ev");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        db.migrate(2);  // orders kept their own OCSP response then
        db.with_session([](soci::session& s) {
            s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
                 "VALUES ('v1', 0, 'aa', 'AGB', 0)";
            for (const std::string n : {"1", "2"}) {
                s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                     "document, document_sha256, signature, signature_sha256, certificate_serial, "
                     "revocation_evidence, nonce, created_at, updated_at) VALUES ('FA-" + n +
                         "', 'follow_up', 'submitted', '{}', 'v1', 'ZG9j', 'd" + n +
                         "', 'c2ln', 's', '0" + n + "', 'ocsp-response-" + n + "', 'n" + n +
                         "', 100" + n + ", 100" + n + ")";
            }
        });
        EXPECT_EQ(db.migrate(3), 1);
        db.with_session([](soci::session& s) {
            for (const std::string n : {"1", "2"}) {
                std::string response;
                long long produced_at = 0;
                s << "SELECT e.response, e.produced_at FROM orders o JOIN revocation_evidence e "
                     "ON e.id = o.evidence_id WHERE o.order_number = 'FA-" + n + "'",
                    soci::into(response), soci::into(produced_at);
                EXPECT_EQ(response, "ocsp-response-" + n);
                EXPECT_EQ(produced_at, std::stoll("100" + n));
            }
            int evidence = 0;
            s << "SELECT COUNT(*) FROM revocation_evidence", soci::into(evidence);
            EXPECT_EQ(evidence, 2);
            // The per-order column is gone.
            EXPECT_THROW(s << "SELECT revocation_evidence FROM orders", soci::soci_error);
        });
    }
}

TEST(Database, DocumentMigrationKeepsEachOrdersDocumentInItsDraft) {
    testing::TempDir dir("sigcard-doc");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        db.migrate(3);  // orders kept a copy of their draft's document then
        db.with_session([](soci::session& s) {
            s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
                 "VALUES ('v1', 0, 'aa', 'AGB', 0)";
            // Order 1 has its draft; order 2's draft is missing.
            s << "INSERT INTO order_drafts (nonce, certificate_serial, order_data, terms_version, "
                 "document, document_sha256, issued_at) VALUES ('n1', '01', '{\"a\":1}', 'v1', "
                 "'ZG9jMQ==', 'd1', 990)";
            for (const std::string n : {"1", "2"}) {
                s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                     "document, document_sha256, signature, signature_sha256, certificate_serial, "
                     "nonce, created_at, updated_at) VALUES ('FA-" + n +
                         "', 'follow_up', 'submitted', '{\"a\":" + n + "}', 'v1', 'ZG9j" +
                         (n == "1" ? "MQ==" : "Mg==") + "', 'd" + n + "', 'c2ln', 's', '0" + n +
                         "', 'n" + n + "', 100" + n + ", 100" + n + ")";
            }
        });
        EXPECT_EQ(db.migrate(4), 1);
        db.with_session([](soci::session& s) {
            for (const std::string n : {"1", "2"}) {
                std::string document, data, serial;
                long long issued_at = 0;
                s << "SELECT d.document, d.order_data, d.certificate_serial, d.issued_at FROM "
                     "orders o JOIN order_drafts d ON d.nonce = o.nonce WHERE o.order_number = "
                     "'FA-" + n + "'",
                    soci::into(document), soci::into(data), soci::into(serial),
                    soci::into(issued_at);
                EXPECT_EQ(document, n == "1" ? "ZG9jMQ==" : "ZG9jMg==");
                EXPECT_EQ(serial, "0" + n);
                // The existing draft stays as it was; the missing one is made from the order.
                EXPECT_EQ(issued_at, n == "1" ? 990 : 1002);
                EXPECT_EQ(data, "{\"a\":" + n + "}");
            }
            int drafts = 0;
            s << "SELECT COUNT(*) FROM order_drafts", soci::into(drafts);
            EXPECT_EQ(drafts, 2);
            // The order's own copy is gone.
            EXPECT_THROW(s << "SELECT document FROM orders", soci::soci_error);
        });
    }
}

TEST(Database, DocumentHashMigrationKeepsOrdersEventsIdsAndForeignKeys) {
    testing::TempDir dir("sigcard-dh");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        db.migrate(4);  // the document's hash was unique then
        db.with_session([](soci::session& s) {
            s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
                 "VALUES ('v1', 0, 'aa', 'AGB', 0)";
            for (const std::string n : {"1", "2", "3"}) {
                s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                     "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                     "created_at, updated_at) VALUES ('FA-" + n + "', 'follow_up', 'submitted', "
                     "'{}', 'v1', 'd" + n + "', 'c2ln', 's', '0" + n + "', 'n" + n + "', 100" + n +
                         ", 100" + n + ")";
            }
            s << "INSERT INTO order_events (order_id, at, to_state, actor) VALUES (2, 1, "
                 "'submitted', 'holder')";
            s << "DELETE FROM orders WHERE order_number = 'FA-3'";  // id 3 must not come back
            EXPECT_THROW(s << "INSERT INTO orders (order_number, kind, state, order_data, "
                              "terms_version, document_sha256, signature, signature_sha256, "
                              "certificate_serial, nonce, created_at, updated_at) VALUES ('FA-9', "
                              "'follow_up', 'submitted', '{}', 'v1', 'd1', 'x', 's', '09', 'n9', "
                              "1, 1)",
                         soci::soci_error);
        });
        EXPECT_EQ(db.migrate(5), 1);
        db.with_session([](soci::session& s) {
            std::string number, nonce;
            long long event_order = 0;
            s << "SELECT o.order_number, o.nonce, e.order_id FROM order_events e JOIN orders o "
                 "ON o.id = e.order_id",
                soci::into(number), soci::into(nonce), soci::into(event_order);
            EXPECT_EQ(number, "FA-2");
            EXPECT_EQ(nonce, "n2");
            EXPECT_EQ(event_order, 2);
            const std::string insert =
                "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                "created_at, updated_at) VALUES (:number, 'follow_up', 'submitted', '{}', 'v1', "
                "'d1', 'x', 's', '09', :nonce, 1, 1)";
            // The document's hash may repeat now; the nonce may not.
            std::string n9 = "FA-9", nonce9 = "n9";
            s << insert, soci::use(n9), soci::use(nonce9);
            std::string n10 = "FA-10", nonce1 = "n1";
            EXPECT_THROW((s << insert, soci::use(n10), soci::use(nonce1)), soci::soci_error);
            long long id = 0;
            s << "SELECT id FROM orders WHERE order_number = 'FA-9'", soci::into(id);
            EXPECT_EQ(id, 4);  // after the deleted 3, as before the rebuild
            // Foreign keys still hold, towards and from the rebuilt table.
            EXPECT_THROW(s << "INSERT INTO order_events (order_id, at, to_state, actor) VALUES "
                              "(999, 1, 'submitted', 'x')",
                         soci::soci_error);
            EXPECT_THROW(s << "UPDATE orders SET card_id = 999 WHERE order_number = 'FA-9'",
                         soci::soci_error);
            // One open order per card is still enforced.
            int indexes = 0;
            s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' "
                 "AND name IN ('orders_card', 'orders_one_open_per_card', 'orders_state')",
                soci::into(indexes);
            EXPECT_EQ(indexes, 3);
        });
    }
}

TEST(Database, MigrationLeavingBrokenForeignKeysIsRolledBackAndKeysStayOn) {
    testing::TempDir dir("sigcard-fk");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        db.migrate();
        const int before = db.schema_version();
        // Runs with foreign keys off, like a table rebuild: an event for an order that is not there.
        const std::vector<Migration> broken = {
            {before + 1, "9999_broken", "",
             "CREATE TABLE scratch (x INTEGER);\n"
             "INSERT INTO order_events (order_id, at, to_state, actor) VALUES (4711, 1, "
             "'submitted', 'x');"}};
        try {
            db.migrate(broken);
            ADD_FAILURE() << "a migration leaving broken foreign keys was applied";
        } catch (const std::runtime_error& e) {
            // Refused by the check before the commit, not by the insert itself.
            EXPECT_NE(std::string(e.what()).find("9999_broken leaves broken foreign keys"),
                      std::string::npos)
                << e.what();
        }
        EXPECT_EQ(db.schema_version(), before);
        db.with_session([](soci::session& s) {
            int events = -1;
            s << "SELECT COUNT(*) FROM order_events", soci::into(events);
            EXPECT_EQ(events, 0);
            EXPECT_THROW(s << "SELECT x FROM scratch", soci::soci_error);  // rolled back
            // And foreign keys are enforced again on that connection.
            EXPECT_THROW(s << "INSERT INTO order_events (order_id, at, to_state, actor) VALUES "
                              "(4711, 1, 'submitted', 'x')",
                         soci::soci_error);
        });
        // Only for the other dialect: skipped here.
        const std::vector<Migration> other = {
            {before + 1, "9999_other", "postgresql", "CREATE TABLE only_on_postgresql (x INT)"}};
        EXPECT_EQ(db.migrate(other), 0);
    }
}

// PostgreSQL, when SIGCARD_TEST_POSTGRESQL holds a libpq connection string (scripts/test starts
// the local cluster and sets it): every migration applies there too, and the order constraints
// the code relies on hold.
TEST(DatabaseOnPostgresql, MigratesAndKeepsTheOrderConstraints) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    Database db(std::string("postgresql:") + conninfo, 1);
    db.with_session([](soci::session& s) {
        s << "DROP SCHEMA public CASCADE";
        s << "CREATE SCHEMA public";
    });
    EXPECT_GT(db.migrate(), 0);
    EXPECT_EQ(db.migrate(), 0);
    db.with_session([](soci::session& s) {
        int version = 0;
        s << "SELECT MAX(version) FROM schema_migrations", soci::into(version);
        EXPECT_EQ(version, storage::migrations().back().version);  // every migration ran
        s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
             "VALUES ('v1', 0, 'aa', 'AGB', 0)";
        const std::string insert =
            "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
            "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
            "created_at, updated_at) VALUES (:number, 'follow_up', 'submitted', '{}', 'v1', "
            "'d1', 'x', 's', '09', :nonce, 1, 1)";
        std::string n1 = "FA-1", nonce1 = "n1", n2 = "FA-2", nonce2 = "n2", n3 = "FA-3";
        s << insert, soci::use(n1), soci::use(nonce1);
        s << insert, soci::use(n2), soci::use(nonce2);  // the same document hash: allowed
        EXPECT_THROW((s << insert, soci::use(n3), soci::use(nonce1)), soci::soci_error);
        // Orders keep no document of their own (migration 4) and no evidence column (3).
        EXPECT_THROW(s << "SELECT document FROM orders", soci::soci_error);
    });
}

TEST(Database, RollsBackATransactionThatThrows) {
    testing::TempDir dir("sigcard-tx");
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        db.migrate();
        EXPECT_THROW(db.in_transaction([](soci::session& s) {
            s << "INSERT INTO certificates (serial, role, subject, not_before, not_after, der, "
                 "issued_at) VALUES ('01', 'holder', 'CN=x', 0, 1, '', 0)";
            throw std::runtime_error("abort");
        }),
                     std::runtime_error);
        int count = -1;
        db.with_session([&](soci::session& s) { s << "SELECT COUNT(*) FROM certificates", soci::into(count); });
        EXPECT_EQ(count, 0);
    }
}

}  // namespace
}  // namespace sigcard::storage
