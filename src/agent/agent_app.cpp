#include "agent/agent_app.hpp"

#include "http/stop_signals.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "agent/card_agent.hpp"
#include "common/error.hpp"

namespace sigcard::agent {

int run_agent(int argc, char** argv) {
    CLI::App app{
        "SigCard card agent: lets the trust center's portal read and sign with your "
        "signature card, after you confirm on the agent's own page"};
    app.set_version_flag("--version", "sigcard-agent " + agent_version());
    std::filesystem::path config_file = default_config_path();
    int port = -1;
    app.add_option("--config", config_file, "Configuration file (TOML)")->capture_default_str();
    app.add_option("--port", port, "Port on 127.0.0.1 (default: from the configuration, 29561)");
    CLI11_PARSE(app, argc, argv);

    const http::StopSignals stop_signals;  // before any server thread starts

    try {
        auto config = load_agent_config(config_file);
        if (port >= 0) {
            config.port = static_cast<std::uint16_t>(port);
        }
        CardAgent agent(std::move(config));
        agent.start();
        fmt::print("sigcard-agent listening on http://127.0.0.1:{}/\n", agent.port());
        std::fflush(stdout);
        const int received = stop_signals.wait();
        spdlog::info("sigcard-agent stopping (signal {})", received);
        agent.stop();
        return 0;
    } catch (const Error& e) {
        fmt::print(stderr, "sigcard-agent: {} ({})\n  {}\n  {}\n", e.id(), e.detail(), e.code().de,
                   e.code().en);
        return 1;
    }
}

}  // namespace sigcard::agent
