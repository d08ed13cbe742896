// `sigcard init`: what a new trust center consists of, and that a refused or failed init leaves
// the disk as it was.
#include "integration/integration_support.hpp"

#include "pki/certificate_store.hpp"
#include "storage/database.hpp"

#include <gmock/gmock.h>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(TrustCenterTest, InitCreatesConfigurationDatabaseHsmAndCertificates) {
    for (const char* file :
         {"sigcard.toml", "sigcard.db", "hsm/softhsm2.conf", "hsm/user.pin", "card-store/softhsm2.conf", "ca/root.pem",
          "ca/issuing.pem", "ca/ocsp.pem", "ca/chain.pem", "tls/portal.pem", "tls/portal.key"}) {
        EXPECT_TRUE(std::filesystem::is_regular_file(dir() / file)) << file;
    }
    // The HSM PIN and the TLS key are for the owner only.
    const auto pin_perms = std::filesystem::status(dir() / "hsm/user.pin").permissions();
    EXPECT_EQ(pin_perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
    EXPECT_EQ(pin_perms & std::filesystem::perms::group_read, std::filesystem::perms::none);

    const auto root = dir() / "ca/root.pem";
    EXPECT_THAT(run_command("openssl verify -CAfile " + root.string() + " " +
                            (dir() / "ca/issuing.pem").string())
                    .output,
                HasSubstr("issuing.pem: OK"));
    EXPECT_THAT(
        run_command("openssl verify -CAfile " + root.string() + " -untrusted " +
                    (dir() / "ca/issuing.pem").string() + " " + (dir() / "ca/ocsp.pem").string())
            .output,
        HasSubstr("ocsp.pem: OK"));
    EXPECT_THAT(run_command("openssl x509 -noout -subject -in " + root.string()).output,
                HasSubstr("CN = SigCard Demo Trust Center Root CA"));

    // The CA keys live on the HSM token, never on disk, and cannot leave it.
    const auto pin = read_text(dir() / "hsm/user.pin");
    const auto objects =
        hsm_pkcs11_tool("--token-label 'SigCard CA HSM' --login --pin " +
                    pin.substr(0, pin.find('\n')) + " --list-objects --type privkey");
    ASSERT_EQ(objects.status, 0) << objects.output;
    for (const char* key : {"root-ca", "issuing-ca", "ocsp-signer"}) {
        EXPECT_THAT(objects.output, HasSubstr(std::string("label:      ") + key));
    }
    EXPECT_THAT(objects.output, HasSubstr("sensitive, always sensitive, never extractable"));

    // The database is migrated and knows the CA certificates it issued.
    storage::Database db(database_url(), 1);
    EXPECT_EQ(db.migrate(), 0);
    pki::CertificateStore store(db);
    const auto issuing = ossl::x509_from_pem(read_text(dir() / "ca/issuing.pem"));
    const auto record = store.find(ossl::serial_hex(issuing.get()));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->role, pki::CertificateRole::issuing_ca);
    EXPECT_EQ(record->status, pki::CertificateStatus::good);
}

TEST_F(TrustCenterTest, InitOnExistingTrustCenterRefusesAndChangesNoByte) {
    const auto before = snapshot(dir());
    const auto again = sigcard("init --dir " + dir().string());
    EXPECT_EQ(again.status, 2);
    EXPECT_THAT(again.output, HasSubstr("error [trust_center.already_exists]"));
    EXPECT_EQ(changes(before, snapshot(dir())), "");
}

TEST(TrustCenterInit, FailedInitWithUnloadableModuleLeavesNoFolder) {
    TempDir tmp("sigcard-integration");
    const auto not_a_module = tmp / "not-a-module.so";
    std::ofstream(not_a_module) << "this is no shared object\n";
    const auto target = tmp / "tc";
    const auto result =
        sigcard("init --dir " + target.string() + " --pkcs11-module " + not_a_module.string());
    EXPECT_EQ(result.status, 2);
    EXPECT_THAT(result.output, HasSubstr("error [card.module_not_loadable]"));
    EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(TrustCenterInit, FailedInitWithMissingModuleLeavesNoFolder) {
    TempDir tmp("sigcard-integration");
    const auto target = tmp / "tc";
    const auto result = sigcard("init --dir " + target.string() + " --pkcs11-module " +
                                (tmp / "missing.so").string());
    EXPECT_EQ(result.status, 2);
    EXPECT_THAT(result.output, HasSubstr("error [card.module_missing]"));
    EXPECT_FALSE(std::filesystem::exists(target));
}

}  // namespace
}  // namespace sigcard::testing
