// sigcard audit verify: checks the hash chain of the audit log and names the first broken record.
#include "audit/audit_log.hpp"
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace sigcard::cli {

namespace {

// Distinct from errors (2): the log could be read, and it was changed.
constexpr int kAuditBroken = 3;

}  // namespace

void add_audit_commands(CLI::App& app) {
    auto* audit = app.add_subcommand("audit", "The hash-chained audit log");
    audit->require_subcommand(1);
    auto dir = std::make_shared<std::filesystem::path>();
    auto* verify = audit->add_subcommand(
        "verify", "Check the hash chain; exit 3 and name the first broken record when changed");
    verify->add_option("--dir", *dir, "Trust center folder")->required();
    verify->callback([dir] {
        authority::TrustCenter tc(*dir);
        const auto result = audit::verify(tc.database());
        if (result.intact) {
            fmt::print("audit log intact, {} records\n", result.records);
            return;
        }
        fmt::print(stderr,
                   "error [audit.chain_broken]: the audit log was changed; first broken record: "
                   "seq {} ({})\nFehler: Das Prüfprotokoll wurde verändert; erster gebrochener "
                   "Eintrag: seq {}\n",
                   result.first_broken_seq.value_or(0), result.reason,
                   result.first_broken_seq.value_or(0));
        throw CLI::RuntimeError(kAuditBroken);
    });
}

}  // namespace sigcard::cli
