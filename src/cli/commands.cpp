#include "cli/commands.hpp"

#include "cli/command_groups.hpp"
#include "common/error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>

namespace sigcard::cli {

int run(int argc, char** argv) {
    CLI::App app{"SigCard — order system of a qualified trust center"};
    app.set_version_flag("--version", "sigcard 0.1.0");
    app.require_subcommand(1);
    spdlog::set_pattern("%^%l%$: %v");
    add_trust_center_commands(app);
    add_card_commands(app);
    add_certificate_commands(app);
    add_demo_commands(app);
    add_terms_commands(app);
    add_order_commands(app);
    add_postident_commands(app);
    add_operator_commands(app);
    add_identify_commands(app);
    add_audit_commands(app);
    add_retention_commands(app);
    add_invoice_commands(app);
    add_follow_up_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const Error& e) {
        fmt::print(stderr, "error [{}]: {}\nFehler: {}\n", e.id(), e.code().en, e.code().de);
        if (!e.detail().empty()) {
            spdlog::debug("detail: {}", e.detail());
            fmt::print(stderr, "({})\n", e.detail());
        }
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace sigcard::cli
