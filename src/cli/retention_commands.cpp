// sigcard retention run: deletes the personal data whose period in [retention] is over, as the
// portal does every hour, and names each deletion.
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "common/clock.hpp"
#include "retention/retention.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace sigcard::cli {

void add_retention_commands(CLI::App& app) {
    auto* retention = app.add_subcommand("retention", "Deleting personal data on its schedule");
    retention->require_subcommand(1);
    auto dir = std::make_shared<std::filesystem::path>();
    auto* run = retention->add_subcommand(
        "run", "Delete what [retention] in sigcard.toml says is due now (each deletion audited)");
    run->add_option("--dir", *dir, "Trust center folder")->required();
    run->callback([dir] {
        authority::TrustCenter tc(*dir);
        retention::RecordKeeper keeper(tc.database(), tc.config().retention);
        const auto deleted = keeper.delete_due(unix_now());
        for (const auto& d : deleted) {
            fmt::print("{}\t{}\t{}\n", d.subject, d.record_class, d.reason);
        }
        fmt::print("{} deletion(s)\n", deleted.size());
    });
}

}  // namespace sigcard::cli
