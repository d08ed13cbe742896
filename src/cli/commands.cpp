#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

namespace sigcard::cli {

int run(int argc, char** argv) {
    CLI::App app{"SigCard — order system of a qualified trust center"};
    app.set_version_flag("--version", "sigcard 0.1.0");
    app.require_subcommand(1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return 0;
}

}  // namespace sigcard::cli
