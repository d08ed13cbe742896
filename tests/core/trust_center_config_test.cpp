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
    written.portal.card_agent_url = "http://127.0.0.1:31000";
    written.prices.follow_up_net_cents = 6500;
    written.prices.vat_percent = 7;
    written.production.card_module = "/opt/station/personalise.so";
    written.production.softhsm_conf = "card-store/softhsm2.conf";
    write(written.to_toml());
    const auto read = TrustCenterConfig::load(dir.path());
    EXPECT_EQ(read.name, "Test Trust Center");
    EXPECT_EQ(read.policy.renewal_window_days, 60);
    EXPECT_EQ(read.portal.remembered_certificates, 100);
    EXPECT_EQ(read.portal.card_agent_url, "http://127.0.0.1:31000");
    EXPECT_EQ(read.prices.follow_up_net_cents, 6500);
    EXPECT_EQ(read.prices.vat_percent, 7);
    EXPECT_EQ(read.production.card_module, "/opt/station/personalise.so");
    EXPECT_EQ(read.production.softhsm_conf, "card-store/softhsm2.conf");
}

TEST_F(TrustCenterConfigTest, IdentificationSettingsAreReadBackAndAForeignBlackoutFieldRefused) {
    TrustCenterConfig written;
    written.new_order.id_copy_blackout_allowed = {"can"};
    written.retention.identification.finished_years = 7;
    written.retention.proofs.ended_days = 14;
    written.postident.push_secret = std::string(64, 'a');
    written.portal.backoffice_port = 18444;
    written.urls.backoffice = "https://localhost:18444";
    write(written.to_toml());
    const auto read = TrustCenterConfig::load(dir.path());
    EXPECT_EQ(read.new_order.id_copy_blackout_allowed, std::vector<std::string>{"can"});
    EXPECT_EQ(read.retention.identification.finished_years, 7);
    EXPECT_EQ(read.retention.proofs.ended_days, 14);
    EXPECT_EQ(read.retention.signed_order.ended_days, 1095);
    EXPECT_EQ(read.postident.push_secret, std::string(64, 'a'));
    EXPECT_EQ(read.portal.backoffice_port, 18444);
    EXPECT_EQ(read.urls.backoffice, "https://localhost:18444");
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {R"(id_copy_blackout_allowed = \[ 'can' \])", "id_copy_blackout_allowed = [ 'name' ]"},
             {"push_secret = 'a+'", "push_secret = 'short'"},
             {R"(\[retention.proofs\]\nended_days = 14)", "[retention.proofs]\nended_days = -1"}}) {
        const auto toml = std::regex_replace(written.to_toml(), std::regex(from), to);
        ASSERT_NE(toml.find(to), std::string::npos) << toml;
        write(toml);
        EXPECT_THROW(TrustCenterConfig::load(dir.path()), std::runtime_error) << to;
    }
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

TEST_F(TrustCenterConfigTest, RateLimitsAreReadAndNoneMayBeZero) {
    TrustCenterConfig written;
    written.limits.drafts = {7, 3};
    write(written.to_toml());
    const auto read = TrustCenterConfig::load(dir.path());
    EXPECT_EQ(read.limits.drafts.per_minute, 7);
    EXPECT_EQ(read.limits.drafts.burst, 3);
    EXPECT_EQ(read.limits.submissions.per_minute, written.limits.submissions.per_minute);
    for (const char* limits : {"[limits]\ndrafts_per_minute = 0\n",
                               "[limits]\nnew_sessions_burst = 0\n"}) {
        write(limits);
        EXPECT_THROW(TrustCenterConfig::load(dir.path()), std::runtime_error) << limits;
    }
}

TEST_F(TrustCenterConfigTest, ANegativePriceOrVatRateIsRefused) {
    for (const char* prices : {"[prices]\nfollow_up_net_cents = -1\n", "[prices]\nvat_percent = -19\n",
                               "[prices]\nvat_percent = 190\n"}) {
        write(prices);
        EXPECT_THROW(TrustCenterConfig::load(dir.path()), std::runtime_error) << prices;
    }
}

TEST_F(TrustCenterConfigTest, ACardAgentAddressOffTheHoldersOwnComputerIsRefused) {
    // The pages may talk to the agent on the holder's loopback only: never a host on the net.
    for (const char* url : {"https://agent.example:29561", "http://192.168.1.5:29561",
                            "http://127.0.0.1:29561/path", "http://127.0.0.1:", "http://127.0.0.1:x",
                            "http://127.0.0.1.evil.example:80"}) {
        TrustCenterConfig written;
        written.portal.card_agent_url = url;
        write(written.to_toml());
        try {
            TrustCenterConfig::load(dir.path());
            ADD_FAILURE() << url << " loaded";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("portal.card_agent_url"), std::string::npos)
                << e.what();
        }
    }
}

}  // namespace
}  // namespace sigcard::config
