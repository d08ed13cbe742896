// The sigcard-agent command line: reads the configuration, starts the agent, runs until
// SIGINT/SIGTERM.
#pragma once

namespace sigcard::agent {

int run_agent(int argc, char** argv);

}  // namespace sigcard::agent
