// The agent's configuration file: what a holder's agent.toml looks like, and what is refused.
#include <gtest/gtest.h>

#include "agent/agent_config.hpp"
#include "signature/cades_test_support.hpp"

namespace sigcard::testing {
namespace {

class AgentConfigTest : public ::testing::Test {
protected:
    std::filesystem::path write_config(const std::string& text) {
        return dir_.write("agent.toml", text);
    }

    ScratchDir dir_;
    crypto::SoftwareSigner portal_key_ = crypto::SoftwareSigner::generate_ec();
    std::filesystem::path portal_pem_ =
        write_pem(dir_, "portal-requests.pem",
                  issue_certificate(portal_key_.private_key(), "Portal", portal_key_.private_key(),
                                    nullptr, Usage::authentication)
                      .get());
};

TEST_F(AgentConfigTest, ReadsModulePortalsPolicyAndPort) {
    const auto config = agent::load_agent_config(write_config(R"(
pkcs11_module = "opensc-pkcs11.so"
require_pin_pad = false
port = 24800
request_lifetime_seconds = 120

[[portal]]
origin = "https://localhost:8443"
request_signing_certificate = "portal-requests.pem"   # next to this file
)"));
    EXPECT_EQ(config.pkcs11_module, "opensc-pkcs11.so");
    EXPECT_FALSE(config.require_pin_pad);
    EXPECT_EQ(config.port, 24800);
    EXPECT_EQ(config.request_lifetime, std::chrono::seconds(120));
    ASSERT_EQ(config.portals.size(), 1u);
    EXPECT_EQ(config.portals[0].origin, "https://localhost:8443");
    EXPECT_NE(config.portals[0].request_signing_certificate, nullptr);
    EXPECT_NE(config.find_portal("https://localhost:8443"), nullptr);
    EXPECT_EQ(config.find_portal("https://localhost:8444"), nullptr);
}

TEST_F(AgentConfigTest, DefaultsArePinPadAndTheDocumentedPort) {
    const auto config = agent::load_agent_config(
        write_config("pkcs11_module = \"m.so\"\n[[portal]]\norigin = \"https://sigcard.example\"\n"
                     "request_signing_certificate = \"" +
                     portal_pem_.string() + "\"\n"));
    EXPECT_TRUE(config.require_pin_pad);
    EXPECT_EQ(config.port, 29561);
}

TEST_F(AgentConfigTest, CanonicalOrigins) {
    EXPECT_EQ(agent::canonical_origin("HTTPS://SigCard.Example:443"), "https://sigcard.example");
    EXPECT_EQ(agent::canonical_origin("https://localhost:8443"), "https://localhost:8443");
    EXPECT_EQ(agent::canonical_origin("http://[::1]:8080"), "http://[::1]:8080");
    for (const char* bad :
         {"*", "null", "https://*.example", "https://a.example/", "a.example", "ftp://a.example",
          "https://user@a.example", "https://a.example:0", "https://a.example:99999", "https://"}) {
        EXPECT_FALSE(agent::canonical_origin(bad).has_value()) << bad;
    }
}

TEST_F(AgentConfigTest, WildcardOriginRefused) {
    EXPECT_SIGCARD_ERROR(agent::load_agent_config(write_config(
                             "pkcs11_module = \"m.so\"\n[[portal]]\norigin = \"*\"\n"
                             "request_signing_certificate = \"portal-requests.pem\"\n")),
                         "agent.config_invalid");
}

TEST_F(AgentConfigTest, PortalWithoutCertificateRefused) {
    EXPECT_SIGCARD_ERROR(
        agent::load_agent_config(write_config("pkcs11_module = \"m.so\"\n[[portal]]\n"
                                              "origin = \"https://localhost:8443\"\n")),
        "agent.config_invalid");
    EXPECT_SIGCARD_ERROR(
        agent::load_agent_config(write_config("pkcs11_module = \"m.so\"\n[[portal]]\n"
                                              "origin = \"https://localhost:8443\"\n"
                                              "request_signing_certificate = \"missing.pem\"\n")),
        "agent.config_invalid");
}

TEST_F(AgentConfigTest, NoPortalOrNoModuleOrBrokenTomlRefused) {
    EXPECT_SIGCARD_ERROR(agent::load_agent_config(write_config("pkcs11_module = \"m.so\"\n")),
                         "agent.config_invalid");
    EXPECT_SIGCARD_ERROR(agent::load_agent_config(write_config("port = 1\n")),
                         "agent.config_invalid");
    EXPECT_SIGCARD_ERROR(agent::load_agent_config(write_config("pkcs11_module = \n")),
                         "agent.config_invalid");
}

}  // namespace
}  // namespace sigcard::testing
