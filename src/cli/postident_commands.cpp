// sigcard postident import|review|unmatched|decide: PostIdent results taken in from a file, a
// folder or a ZIP as the post office delivers them, the results that wait for a person, and the
// results whose reference names no order.
#include "authority/follow_up_production.hpp"
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "common/clock.hpp"
#include "identification/postident_files.hpp"
#include "identification/postident_results.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

namespace sigcard::cli {

namespace {

struct Options {
    std::filesystem::path dir;
    std::filesystem::path path;
    std::string order_number;
    std::string decision;
    std::string reason;
};

// What the post office wrote, as a terminal may show it: no escape sequence gets through.
std::string shown(const std::string& value) {
    return text::escaped_for_terminal(value, text::Lines::single);
}

// The trust center with what a PostIdent command needs.
struct Desk {
    explicit Desk(const std::filesystem::path& dir)
        : tc(dir),
          key(new_order::DataKey::load_or_create(
              tc.config().resolve(tc.config().new_order.data_key_file))),
          results({tc.config(), tc.database(), key}) {}
    authority::TrustCenter tc;
    new_order::DataKey key;
    identification::PostIdentResults results;
};

void add_import(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand(
        "import", "Take in PostIdent results: a JSON document, a folder of them, or a ZIP (one "
                  "transaction: a file that is not valid refuses the whole import)");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("path", o->path, "Result file, folder or ZIP")->required();
    cmd->callback([o] {
        Desk desk(o->dir);
        const auto report = desk.results.import(
            identification::result_files(o->path, desk.tc.config().postident), unix_now());
        std::map<std::string, int> counts;
        for (const auto& r : report) {
            ++counts[std::string(identification::to_string(r.outcome))];
            fmt::print("{}: case {} ({}) → {}{}{}\n", shown(r.name), shown(r.case_id),
                       shown(r.reference), identification::to_string(r.outcome),
                       r.order_number.empty() ? "" : ", order " + r.order_number,
                       r.reasons.empty() ? "" : " [" + fmt::format("{}", fmt::join(r.reasons, ", ")) + "]");
        }
        fmt::print("{} result(s) read:", report.size());
        for (const auto& [outcome, n] : counts) {
            fmt::print(" {} {}", n, outcome);
        }
        fmt::print("\n");
    });
}

void add_review(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand(
        "review", "Results that wait for a person, with the order's and the post office's values");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->callback([o] {
        Desk desk(o->dir);
        const auto queue = desk.results.review_queue(unix_now());
        for (const auto& item : queue) {
            fmt::print("order {} · case {} · {} · {}\n", item.order_number, shown(item.case_id),
                       item.verdict, fmt::join(item.reasons, ", "));
            if (!item.declined_reason.empty()) {
                fmt::print("  declined: {}\n", shown(item.declined_reason));
            }
            for (const auto& c : item.comparisons) {
                fmt::print("  {} {:<28} order: {:<30} post office: {} ({})\n",
                           c.agrees ? " " : "≠", c.field, shown(c.ordered), shown(c.identified),
                           c.status);
            }
        }
        fmt::print("{} result(s) wait for review.\n", queue.size());
    });
}

void add_unmatched(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand("unmatched", "Results whose reference names no order");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->callback([o] {
        Desk desk(o->dir);
        const auto aside = desk.results.unmatched();
        for (const auto& r : aside) {
            fmt::print("{} case {} reference {} from {}\n", format_date(r.received_at),
                       shown(r.case_id), shown(r.reference), shown(r.source));
        }
        fmt::print("{} result(s) without an order.\n", aside.size());
    });
}

void add_decide(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand("decide", "Decide an order in review");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--order", o->order_number, "Order number")->required();
    cmd->add_option("decision", o->decision,
                    "identify (the identification stands), again (the applicant is identified "
                    "anew) or reject")
        ->required()
        ->check(CLI::IsMember({"identify", "again", "reject"}));
    cmd->add_option("--reason", o->reason, "Reason of a rejection (the applicant is told)");
    cmd->callback([o] {
        Desk desk(o->dir);
        const auto decision = o->decision == "identify" ? identification::ReviewDecision::identify
                              : o->decision == "again"
                                  ? identification::ReviewDecision::identify_again
                                  : identification::ReviewDecision::reject;
        desk.results.decide(o->order_number, decision, "operator:cli", o->reason, unix_now());
        fmt::print("Order {}: {}.\n", o->order_number, o->decision);
    });
}

}  // namespace

void add_postident_commands(CLI::App& app) {
    auto* group = app.add_subcommand("postident", "PostIdent results");
    group->require_subcommand(1);
    add_import(*group);
    add_review(*group);
    add_unmatched(*group);
    add_decide(*group);
}

}  // namespace sigcard::cli
