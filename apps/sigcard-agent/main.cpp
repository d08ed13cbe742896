// sigcard-agent: the card agent on the holder's PC. Only wires the agent's parts together.
#include "agent/agent_app.hpp"

int main(int argc, char** argv) {
    return sigcard::agent::run_agent(argc, argv);
}
