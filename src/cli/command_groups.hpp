// Each group of `sigcard` subcommands adds itself to the command tree.
#pragma once

#include <CLI/CLI.hpp>

namespace sigcard::cli {

void add_trust_center_commands(CLI::App& app);  // init
void add_certificate_commands(CLI::App& app);   // cert …, crl
void add_card_commands(CLI::App& app);          // card produce|list, partner add|list
void add_demo_commands(CLI::App& app);          // demo cards
void add_terms_commands(CLI::App& app);         // terms publish|list
void add_audit_commands(CLI::App& app);         // audit verify
void add_retention_commands(CLI::App& app);     // retention run
void add_invoice_commands(CLI::App& app);       // invoices export|show
void add_order_commands(CLI::App& app);         // order list|show|approve|reject|receipt
void add_decision_commands(CLI::App& order);    // order approve|reject (signed with the card)
void add_postident_commands(CLI::App& app);     // postident import|review|unmatched|decide
void add_operator_commands(CLI::App& app);      // operator add|list|remove
void add_identify_commands(CLI::App& app);      // identify (in person, with the ID copy)
void add_follow_up_commands(CLI::App& app);     // follow-up (the holder's terminal client)

}  // namespace sigcard::cli
