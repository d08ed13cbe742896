// Each group of `sigcard` subcommands adds itself to the command tree.
#pragma once

#include <CLI/CLI.hpp>

namespace sigcard::cli {

void add_trust_center_commands(CLI::App& app);  // init
void add_certificate_commands(CLI::App& app);   // cert …, crl
void add_card_commands(CLI::App& app);          // card produce|list, partner add|list
void add_demo_commands(CLI::App& app);          // demo cards

}  // namespace sigcard::cli
