#include "encoding/encoding.hpp"
#include "orders/terms.hpp"

#include "audit/audit_log.hpp"
#include "common/error.hpp"
#include "crypto/ossl.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

class TermsTest : public ::testing::Test {
protected:
    void SetUp() override { db.migrate(); }
    testing::TempDir dir;
    storage::Database db{"sqlite:" + (dir / "terms.db").string(), 2};
    TermsCatalogue terms{db};
};

TEST_F(TermsTest, NoTermsBeforeAnyArePublished) {
    EXPECT_FALSE(terms.in_force(1000));
}

TEST_F(TermsTest, TheVersionInForceIsTheLatestAlreadyValid) {
    terms.publish("AGB eins", "1", 1000, "operator:test");
    terms.publish("AGB zwei", "2", 2000, "operator:test");
    EXPECT_FALSE(terms.in_force(999));
    EXPECT_EQ(terms.in_force(1500)->version, "1");
    EXPECT_EQ(terms.in_force(2000)->version, "2");
    EXPECT_EQ(terms.in_force(2000)->sha256, encoding::hex(ossl::sha256(ossl::as_bytes("AGB zwei"))));
    EXPECT_EQ(terms.list().size(), 2u);
}

// The submission writer keeps one lookup for its session and compares only versions: the lookup
// must name the same version as in_force, also after terms were published meanwhile.
TEST_F(TermsTest, TheVersionLookupNamesTheSameVersionAsInForce) {
    db.with_session([&](soci::session& s) {
        TermsCatalogue::VersionLookup lookup(s);
        EXPECT_FALSE(lookup.in_force(1000));
        terms.publish("AGB eins", "1", 1000, "operator:test");
        terms.publish("AGB zwei", "2", 2000, "operator:test");
        EXPECT_FALSE(lookup.in_force(999));
        for (const std::int64_t at : {1000, 1999, 2000, 9999}) {
            EXPECT_EQ(lookup.in_force(at), terms.in_force(at)->version) << at;
        }
        EXPECT_EQ(lookup.in_force(1500), "1");
    });
}

TEST_F(TermsTest, PublishingAnExistingVersionIsRefusedAndChangesNothing) {
    terms.publish("AGB eins", "1", 1000, "operator:test");
    try {
        terms.publish("AGB anders", "1", 5000, "operator:test");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "terms.version_exists");
    }
    EXPECT_EQ(terms.find("1")->text, "AGB eins");
    EXPECT_EQ(terms.list().size(), 1u);
    EXPECT_EQ(audit::verify(db).records, 1);
}

}  // namespace
}  // namespace sigcard::orders
