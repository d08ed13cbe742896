// The agent's port: held by another program, the agent does not start and says why in German and
// English, and the program already there keeps its port.
#include "agent/agent_test_support.hpp"

#include "agent/agent_errors.hpp"

#include <gmock/gmock.h>

namespace sigcard::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(AgentTest, TheDocumentedPortIsNotTheEidClients) {
    EXPECT_NE(agent::default_port, 24727);  // AusweisApp's (BSI TR-03124-1)
    EXPECT_GT(agent::default_port, 1023);
    EXPECT_LT(agent::default_port, 32768);  // below every system's ephemeral range
}

TEST_F(AgentTest, APortHeldByAnotherProgramIsNamedAndTheAgentDoesNotStart) {
    start_agent(Reader::without_pin_pad);  // the program already on the port
    agent::AgentConfig config;
    config.pkcs11_module = SOFTHSM2_MODULE;
    config.port = agent_->port();
    config.portals.push_back({portal_origin, ossl::x509_from_pem(ossl::to_pem(portal_cert_.get()))});
    agent::CardAgent second(std::move(config));
    try {
        second.start();
        FAIL() << "a second agent started on a port in use";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "agent.port_in_use");
        EXPECT_THAT(std::string(e.code().de), HasSubstr("anderes Programm belegt seinen Port"));
        EXPECT_THAT(std::string(e.code().en), HasSubstr("another program holds its port"));
        EXPECT_THAT(e.detail(), HasSubstr(std::to_string(agent_->port())));
    }
    EXPECT_EQ(get("/v1/status").status, 200);
}

}  // namespace
}  // namespace sigcard::testing
