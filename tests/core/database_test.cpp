#include "storage/database.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace sigcard::storage {
namespace {

TEST(Database, MigratesOnceAndRecordsVersion) {
    auto dir = std::filesystem::temp_directory_path() / ("sigcard-db-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        Database db("sqlite:" + (dir / "t.db").string(), 1);
        EXPECT_GT(db.migrate(), 0);
        const int version = db.schema_version();
        EXPECT_GE(version, 1);
        EXPECT_EQ(db.migrate(), 0);
        EXPECT_EQ(db.schema_version(), version);
    }
    std::filesystem::remove_all(dir);
}

TEST(Database, RollsBackATransactionThatThrows) {
    auto dir = std::filesystem::temp_directory_path() / ("sigcard-tx-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
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
    std::filesystem::remove_all(dir);
}

TEST(Base64, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
        EXPECT_EQ(from_base64(to_base64(bytes)), bytes);
        bytes += static_cast<char>(i * 37);
    }
    EXPECT_THROW(from_base64("abc"), std::invalid_argument);
}

}  // namespace
}  // namespace sigcard::storage
