// sigcard order approve|reject: an approver's decision at the terminal, signed with the
// approver's own card like on the back office's page — one of the two approvals an order needs,
// never both. The operator is the one registered with the card's certificate; the statement is
// shown before the PIN is asked for.
#include "backoffice/approvals.hpp"
#include "cli/card_signing.hpp"
#include "cli/command_groups.hpp"
#include "cli/holder_terminal.hpp"
#include "common/clock.hpp"
#include "config/trust_center_config.hpp"
#include "operators/operator_register.hpp"
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace sigcard::cli {

namespace {

struct DecisionOptions {
    std::filesystem::path dir;
    std::string order_number;
    std::string reason;
    std::string module;
    std::string token;
    std::string lang = "de";
};

CLI::App* decision_command(CLI::App& order, const char* name, const char* help,
                           const std::shared_ptr<DecisionOptions>& o) {
    auto* cmd = order.add_subcommand(name, help);
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("order", o->order_number, "Order number")->required();
    cmd->add_option("--module", o->module, "PKCS#11 module of the operator card's reader")
        ->required();
    cmd->add_option("--token", o->token, "Token label of the operator card")->required();
    cmd->add_option("--lang", o->lang, "de or en")->check(CLI::IsMember({"de", "en"}));
    return cmd;
}

void decide(const DecisionOptions& o, backoffice::Decision decision) {
    const HolderTerminal t(o.lang == "en" ? Language::en : Language::de);
    const auto config = config::TrustCenterConfig::load(o.dir);
    // The database alone: the card's module is loaded here, the trust center's HSM is not.
    storage::Database db(config.resolved_database_url(), 1);
    smartcard::Pkcs11Module module(o.module);
    smartcard::CardSession session(module, module.find_token(o.token).slot);
    const auto certificate = smartcard::qualified_signing_certificate(session);
    const auto who = operators::OperatorRegister(db).by_certificate(
        ossl::serial_hex(certificate.certificate.get()));
    if (!who) {
        throw Error(operators::errors::not_found, o.token);
    }
    backoffice::Approvals approvals(db, config.name);
    const auto statement =
        approvals.statement(o.order_number, decision, o.reason, *who, unix_now());
    t.say(t.text("Ihre Entscheidung (wird mit Ihrer Karte signiert):",
                 "Your decision (signed with your card):"));
    t.say(text::escaped_for_terminal(statement.text, text::Lines::multiple));
    const auto cms = sign_at_terminal(session, certificate, statement.text, t,
                                      t.text("PIN Ihrer Mitarbeiterkarte", "Your operator card's PIN"));
    const auto outcome = approvals.decide(statement.text, cms, *who, unix_now());
    if (decision == backoffice::Decision::reject) {
        t.say(fmt::format("{} {} {}", t.text("Auftrag", "Order"), o.order_number,
                          t.text("ist abgelehnt.", "is rejected.")));
    } else if (outcome.state == orders::OrderState::approved) {
        t.say(fmt::format("{} {} {}", t.text("Auftrag", "Order"), o.order_number,
                          t.text("ist freigegeben (zweite Freigabe).",
                                 "is approved (second approval).")));
    } else {
        t.say(fmt::format("{} {}: {} {} {}", t.text("Auftrag", "Order"), o.order_number,
                          t.text("Freigabe", "approval"), outcome.approvals,
                          t.text("von 2; die zweite muss ein anderer Freigeber erteilen.",
                                 "of 2; another approver must give the second.")));
    }
}

}  // namespace

void add_decision_commands(CLI::App& order) {
    auto approve = std::make_shared<DecisionOptions>();
    decision_command(order, "approve",
                     "Approve an order with your operator card (one of the two approvals)",
                     approve)
        ->callback([approve] { decide(*approve, backoffice::Decision::approve); });
    auto reject = std::make_shared<DecisionOptions>();
    decision_command(order, "reject",
                     "Reject an order with your operator card, with the reason the holder is told",
                     reject)
        ->add_option("--reason", reject->reason, "Why (recorded and told the holder)")
        ->required();
    order.get_subcommand("reject")->callback(
        [reject] { decide(*reject, backoffice::Decision::reject); });
}

}  // namespace sigcard::cli
