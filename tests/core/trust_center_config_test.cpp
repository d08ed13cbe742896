// sigcard.toml: what is written is read back, and a value that cannot work is refused.
#include "config/trust_center_config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

namespace sigcard::config {
namespace {

class TrustCenterConfigTest : public ::testing::Test {
protected:
    void write(const std::string& toml) { std::ofstream(dir.path() / "sigcard.toml") << toml; }
    testing::TempDir dir{"sigcard-config"};
};

TEST_F(TrustCenterConfigTest, WrittenConfigurationIsReadBack) {
    TrustCenterConfig written;
    written.name = "Test Trust Center";
    written.policy.renewal_window_days = 60;
    written.portal.remembered_certificates = 100;
    write(written.to_toml());
    const auto read = TrustCenterConfig::load(dir.path());
    EXPECT_EQ(read.name, "Test Trust Center");
    EXPECT_EQ(read.policy.renewal_window_days, 60);
    EXPECT_EQ(read.portal.remembered_certificates, 100);
}

TEST_F(TrustCenterConfigTest, MissingValuesKeepTheirDefaults) {
    write("[trust_center]\nname = \"Minimal\"\n");
    const auto read = TrustCenterConfig::load(dir.path());
    EXPECT_EQ(read.name, "Minimal");
    EXPECT_EQ(read.portal.remembered_certificates, 8192);
    EXPECT_EQ(read.policy.nonce_max_age_minutes, 30);
}

TEST_F(TrustCenterConfigTest, RememberingNoCertificatesIsRefused) {
    TrustCenterConfig written;
    const auto toml = std::regex_replace(written.to_toml(),
                                         std::regex(R"(remembered_certificates = \d+)"),
                                         "remembered_certificates = 0");
    ASSERT_NE(toml.find("remembered_certificates = 0"), std::string::npos) << toml;
    write(toml);
    try {
        TrustCenterConfig::load(dir.path());
        FAIL() << "loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("portal.remembered_certificates"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace sigcard::config
