// sigcard demo cards: the demo set of signature cards in an existing trust center.
#include "authority/demo_cards.hpp"
#include "authority/demo_operators.hpp"
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

namespace sigcard::cli {

namespace {

// The FAKE PIN-pad module is built next to this binary in the build tree (it is never
// installed: it exists for tests and the demo only).
std::filesystem::path pinpad_fake_module() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) {
        return {};
    }
    // BUILD/apps/sigcard → BUILD/src/fakes/pinpad_reader/
    const auto candidate = exe.parent_path().parent_path() / "src" / "fakes" / "pinpad_reader" /
                           "libsigcard-pinpad-reader-fake.so";
    const auto resolved = std::filesystem::weakly_canonical(candidate, ec);
    if (ec || !std::filesystem::exists(resolved)) {
        return {};
    }
    return resolved;
}

void add_demo_cards(CLI::App& demo) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto* cmd = demo.add_subcommand(
        "cards",
        "Create the demo signature cards (valid, expired, revoked, partner, old identification, "
        "pseudonym, lawyer, managing director, PIN pad) in an existing trust center");
    cmd->add_option("--dir", *dir, "Trust center folder")->required();
    cmd->callback([dir] {
        authority::TrustCenter tc(*dir);
        const auto set = authority::create_demo_cards(tc);
        fmt::print("{}", authority::demo_card_table(set));
        const auto fake = pinpad_fake_module();
        if (fake.empty()) {
            fmt::print(
                "FAKE PIN-pad module: not found next to this binary; build the target "
                "sigcard-pinpad-reader-fake (libsigcard-pinpad-reader-fake.so).\n");
        } else {
            fmt::print("FAKE PIN-pad module: {}\n", fake.string());
        }
        fmt::print("Written: {}/README.txt\n", set.folder.string());
    });
}

void add_demo_operators(CLI::App& demo) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto* cmd = demo.add_subcommand(
        "operators", "Create the demo back-office operators with their cards (two approvers, one "
                     "of every other role, chamber staff, one revoked)");
    cmd->add_option("--dir", *dir, "Trust center folder")->required();
    cmd->callback([dir] {
        authority::TrustCenter tc(*dir);
        const auto made = authority::create_demo_operators(tc);
        fmt::print("{} operator cards made and registered.\n", made.cards.size());
        std::ifstream table(made.table);
        fmt::print("{}", std::string(std::istreambuf_iterator<char>(table), {}));
        fmt::print("Written: {}\n", made.table.string());
    });
}

}  // namespace

void add_demo_commands(CLI::App& app) {
    auto* demo = app.add_subcommand("demo", "Demo data for trying SigCard out (never production)");
    demo->require_subcommand(1);
    add_demo_cards(*demo);
    add_demo_operators(*demo);
}

}  // namespace sigcard::cli
