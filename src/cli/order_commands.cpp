// sigcard order list|show|approve|reject|receipt: the back office's view of follow-up orders
// until it has its own pages.
#include "authority/follow_up_production.hpp"
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "common/clock.hpp"
#include "orders/order_document.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <memory>

namespace sigcard::cli {

namespace {

constexpr const char* kActor = "operator:cli";

struct OrderOptions {
    std::filesystem::path dir;
    std::string order_number;
    std::string reason;
};

CLI::App* order_command(CLI::App& parent, const char* name, const char* help,
                        const std::shared_ptr<OrderOptions>& o) {
    auto* cmd = parent.add_subcommand(name, help);
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("order", o->order_number, "Order number")->required();
    return cmd;
}

std::string address_text(const orders::PostalAddress& a) {
    std::string text = a.name;
    for (const auto* part : {&a.company, &a.street, &a.address_extra}) {
        if (!part->empty()) {
            text += ", " + *part;
        }
    }
    return text + fmt::format(", {} {}, {}", a.postal_code, a.city, a.country);
}

// A holder's value as an operator's terminal may show it: no escape sequence gets through.
std::string shown(const std::string& value) {
    return text::escaped_for_terminal(value, text::Lines::single);
}

void print_order(const orders::OrderRecord& r) {
    fmt::print("order:        {}\nstate:        {}\n", r.order_number, orders::to_string(r.state));
    fmt::print("card:         {} (certificate {})\n", r.card_id, r.certificate_serial);
    if (r.new_card_id) {
        fmt::print("new card:     {}\n", *r.new_card_id);
    }
    fmt::print("created:      {}\nupdated:      {}\n", orders::format_utc(r.created_at),
               orders::format_utc(r.updated_at));
    fmt::print("contact:      {}, {}\n", shown(r.data.contact.email), shown(r.data.contact.phone));
    fmt::print("shipping:     {}\n", shown(address_text(r.data.shipping)));
    fmt::print("billing:      {}{}\n", shown(address_text(r.data.billing)),
               r.data.billing.vat_id.empty() ? "" : ", VAT " + shown(r.data.billing.vat_id));
    fmt::print("terms:        {}\n", r.terms_version);
    fmt::print("document:     SHA-256 {} ({} bytes, signature {} bytes, OCSP evidence {} bytes)\n",
               r.document_sha256, r.document.size(), r.signature.size(),
               r.revocation_evidence.size());
    fmt::print("history:\n");
    for (const auto& e : r.events) {
        fmt::print("  {}  {:<13} → {:<13} {}{}\n", orders::format_utc(e.at),
                   e.from ? orders::to_string(*e.from) : "", orders::to_string(e.to), shown(e.actor),
                   e.note.empty() ? "" : " — " + shown(e.note));
    }
}

void add_list(CLI::App& order) {
    struct ListOptions {
        std::filesystem::path dir;
        std::string state;
    };
    auto o = std::make_shared<ListOptions>();
    auto* cmd = order.add_subcommand("list", "List follow-up orders");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--state", o->state, "Only orders in this state (submitted, approved, …)");
    cmd->callback([o] {
        std::optional<orders::OrderState> state;
        if (!o->state.empty()) {
            state = orders::order_state_from(o->state);
            if (!state) {
                throw CLI::ValidationError("--state", "unknown order state " + o->state);
            }
        }
        authority::TrustCenter tc(o->dir);
        authority::TrustCenterOrders desk(tc);
        fmt::print("{:<20} {:<13} {:<20} {:>5}  {}\n", "order", "state", "created", "card",
                   "email");
        for (const auto& r : desk.book().list(state)) {
            fmt::print("{:<20} {:<13} {:<20} {:>5}  {}\n", r.order_number,
                       orders::to_string(r.state), orders::format_utc(r.created_at), r.card_id,
                       shown(r.data.contact.email));
        }
    });
}

void add_state_changes(CLI::App& order) {
    auto show = std::make_shared<OrderOptions>();
    order_command(order, "show", "Show one order with its history", show)->callback([show] {
        authority::TrustCenter tc(show->dir);
        authority::TrustCenterOrders desk(tc);
        const auto record = desk.book().find(show->order_number);
        if (!record) {
            throw Error(authority::errors::order_unknown, show->order_number);
        }
        print_order(*record);
    });

    auto approve = std::make_shared<OrderOptions>();
    order_command(order, "approve", "Approve a submitted order for production", approve)
        ->callback([approve] {
            authority::TrustCenter tc(approve->dir);
            authority::TrustCenterOrders desk(tc);
            desk.book().approve(approve->order_number, kActor, unix_now());
            fmt::print("Order {} approved.\n", approve->order_number);
        });

    auto reject = std::make_shared<OrderOptions>();
    order_command(order, "reject", "Reject an order, with the reason the holder is told", reject)
        ->add_option("--reason", reject->reason, "Why (recorded and shown)")
        ->required();
    order.get_subcommand("reject")->callback([reject] {
        authority::TrustCenter tc(reject->dir);
        authority::TrustCenterOrders desk(tc);
        desk.book().reject(reject->order_number, kActor, reject->reason, unix_now());
        fmt::print("Order {} rejected.\n", reject->order_number);
    });

    auto receipt = std::make_shared<OrderOptions>();
    order_command(order, "receipt",
                  "The holder confirmed receipt: activate the new card (releases its hold)",
                  receipt)
        ->callback([receipt] {
            authority::TrustCenter tc(receipt->dir);
            authority::TrustCenterOrders desk(tc);
            const auto serial = authority::confirm_receipt(desk, receipt->order_number, kActor);
            fmt::print("Order {} active; certificate {} released from hold.\n",
                       receipt->order_number, serial);
        });
}

}  // namespace

void add_order_commands(CLI::App& app) {
    auto* order = app.add_subcommand("order", "Follow-up orders in the back office");
    order->require_subcommand(1);
    add_list(*order);
    add_state_changes(*order);
}

}  // namespace sigcard::cli
