// sigcard-agent as one object: the loopback HTTP server with the agent's routes, the holder's
// cards and the open signing requests. The executable only loads the configuration and runs it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agent/agent_config.hpp"

namespace sigcard::agent {

class CardAgent {
public:
    explicit CardAgent(AgentConfig config);
    ~CardAgent();  // stops
    CardAgent(const CardAgent&) = delete;
    CardAgent& operator=(const CardAgent&) = delete;

    // Binds 127.0.0.1 on the configured port (0: a free one). Throws portal.bind_failed when the
    // port is taken, e.g. by a second agent.
    void start();
    std::uint16_t port() const;
    void stop();

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

// The agent's version as reported by GET /v1/status.
std::string agent_version();

}  // namespace sigcard::agent
