// sigcard operator add|list|remove: the back office's people and their roles, each named by the
// certificate of their qualified card of this trust center. Every change is in the audit log.
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "operators/operator_register.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace sigcard::cli {

namespace {

constexpr const char* kActor = "operator:cli";

struct Options {
    std::filesystem::path dir;
    std::string name;
    std::string display_name;
    std::filesystem::path certificate;
    std::string roles;
    std::string chamber;
};

std::string roles_text(const std::vector<operators::Role>& roles) {
    std::string text;
    for (const auto role : roles) {
        text += (text.empty() ? "" : ",") + std::string(operators::to_string(role));
    }
    return text;
}

void add_add(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand("add", "Register an operator with their card's certificate");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--name", o->name, "Short name (the audit log's operator:<name>)")->required();
    cmd->add_option("--display-name", o->display_name, "Full name as pages show it")->required();
    cmd->add_option("--certificate", o->certificate, "The card's certificate (PEM)")
        ->required()
        ->check(CLI::ExistingFile);
    std::string all;
    for (const auto role : operators::all_roles()) {
        all += (all.empty() ? "" : ", ") + std::string(operators::to_string(role));
    }
    cmd->add_option("--roles", o->roles, "Comma-separated: " + all)->required();
    cmd->add_option("--chamber", o->chamber, "Chamber staff: their chamber");
    cmd->callback([o] {
        std::ifstream in(o->certificate);
        std::stringstream pem;
        pem << in.rdbuf();
        const auto certificate = ossl::x509_from_pem(pem.str());
        authority::TrustCenter tc(o->dir);
        operators::OperatorRegister operators(tc.database());
        const auto added = operators.add({o->name, o->display_name,
                                          ossl::serial_hex(certificate.get()),
                                          operators::roles_from(o->roles), o->chamber},
                                         kActor, unix_now());
        fmt::print("Operator {} added: {} (certificate {})\n", added.name,
                   roles_text(added.roles), added.certificate_serial);
    });
}

void add_list(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand("list", "The operators who may act, with their roles");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->callback([o] {
        authority::TrustCenter tc(o->dir);
        const auto all = operators::OperatorRegister(tc.database()).list();
        for (const auto& op : all) {
            fmt::print("{:<12} {:<24} {:<36} {}{}\n", op.name,
                       text::escaped_for_terminal(op.display_name, text::Lines::single),
                       op.certificate_serial, roles_text(op.roles),
                       op.chamber.empty() ? "" : " (" + op.chamber + ")");
        }
        fmt::print("{} operator(s).\n", all.size());
    });
}

void add_remove(CLI::App& group) {
    auto o = std::make_shared<Options>();
    auto* cmd = group.add_subcommand("remove", "Remove an operator (their history stays)");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--name", o->name, "Short name")->required();
    cmd->callback([o] {
        authority::TrustCenter tc(o->dir);
        operators::OperatorRegister(tc.database()).remove(o->name, kActor, unix_now());
        fmt::print("Operator {} removed.\n", o->name);
    });
}

}  // namespace

void add_operator_commands(CLI::App& app) {
    auto* group = app.add_subcommand("operator", "Back-office operators and their roles");
    group->require_subcommand(1);
    add_add(*group);
    add_list(*group);
    add_remove(*group);
}

}  // namespace sigcard::cli
