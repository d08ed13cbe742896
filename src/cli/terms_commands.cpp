// sigcard terms publish|list: the versioned general terms (AGB) orders bind to (R7).
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "orders/terms.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace sigcard::cli {

namespace {

inline constexpr ErrorCode terms_file_unreadable{
    "terms.file_unreadable", "Die Datei mit den Geschäftsbedingungen kann nicht gelesen werden.",
    "The file with the terms and conditions cannot be read."};
inline constexpr ErrorCode terms_file_empty{"terms.file_empty",
                                            "Die Datei mit den Geschäftsbedingungen ist leer.",
                                            "The file with the terms and conditions is empty."};

// The exact bytes are what orders hash and bind, so the file is read unchanged.
std::string read_terms(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(terms_file_unreadable, file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().empty()) {
        throw Error(terms_file_empty, file.string());
    }
    return text.str();
}

void add_publish(CLI::App& terms) {
    struct Options {
        std::filesystem::path dir, file;
        std::string version, valid_from;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = terms.add_subcommand("publish", "Publish a new version of the terms");
    cmd->add_option("file", o->file, "The terms as a text file (UTF-8)")->required();
    cmd->add_option("--version", o->version, "Version name, e.g. 2026-01")->required();
    cmd->add_option("--valid-from", o->valid_from, "First day in force (YYYY-MM-DD, UTC)")
        ->required();
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->callback([o] {
        const auto valid_from = parse_date(o->valid_from);
        const auto text = read_terms(o->file);
        authority::TrustCenter tc(o->dir);
        orders::TermsCatalogue catalogue(tc.database());
        const auto published = catalogue.publish(text, o->version, valid_from, "operator:cli");
        fmt::print("Published terms version {} valid from {} (SHA-256 {})\n", published.version,
                   format_date(published.valid_from), published.sha256);
    });
}

void add_list(CLI::App& terms) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto* cmd = terms.add_subcommand("list", "List the published terms versions");
    cmd->add_option("--dir", *dir, "Trust center folder")->required();
    cmd->callback([dir] {
        authority::TrustCenter tc(*dir);
        orders::TermsCatalogue catalogue(tc.database());
        const auto in_force = catalogue.in_force(std::time(nullptr));
        fmt::print("{:<16} {:<11} {:<64} {}\n", "version", "valid from", "sha256", "");
        for (const auto& t : catalogue.list()) {
            const bool current = in_force && in_force->version == t.version;
            fmt::print("{:<16} {:<11} {:<64} {}\n", t.version, format_date(t.valid_from), t.sha256,
                       current ? "in force" : "");
        }
    });
}

}  // namespace

void add_terms_commands(CLI::App& app) {
    auto* terms = app.add_subcommand("terms", "General terms (AGB), versioned");
    terms->require_subcommand(1);
    add_publish(*terms);
    add_list(*terms);
}

}  // namespace sigcard::cli
