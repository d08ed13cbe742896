// sigcard order list|show|ship|receipt|new (approve and reject: decision_commands.cpp): the back
// office's view of orders at a terminal, and new orders entered for walk-in applicants at a registration office.
#include "authority/follow_up_production.hpp"
#include "authority/order_production.hpp"
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "new_order/application_fields.hpp"
#include "new_order/new_order_papers.hpp"
#include "orders/order_document.hpp"
#include "orders/order_fields.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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
    fmt::print("order:        {} ({})\nstate:        {}\n", r.order_number, orders::to_string(r.kind),
               orders::to_string(r.state));
    if (r.kind == orders::OrderKind::follow_up) {
        fmt::print("card:         {} (certificate {})\n", r.card_id, r.certificate_serial);
    }
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
    auto* cmd = order.add_subcommand("list", "List orders (follow-up and new)");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--state", o->state,
                    "Only orders in this state (awaiting_identification, submitted, approved, …)");
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
        fmt::print("{:<20} {:<23} {:<20} {:>5}  {}\n", "order", "state", "created", "card",
                   "email");
        for (const auto& r : desk.book().list(state)) {
            fmt::print("{:<20} {:<23} {:<20} {:>5}  {}\n", r.order_number,
                       orders::to_string(r.state), orders::format_utc(r.created_at),
                       r.card_id > 0 ? std::to_string(r.card_id) : "-",
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

    auto ship = std::make_shared<OrderOptions>();
    auto card_tracking = std::make_shared<std::string>();
    auto letter_tracking = std::make_shared<std::string>();
    auto* ship_cmd = order_command(order, "ship",
                                   "The produced card and its PIN letter were sent: record the "
                                   "tracking numbers (the holder sees them)",
                                   ship);
    ship_cmd->add_option("--card-tracking", *card_tracking, "Tracking number of the card's parcel")
        ->required();
    ship_cmd->add_option("--letter-tracking", *letter_tracking,
                         "Tracking number of the PIN letter (none: a plain letter)");
    ship_cmd->callback([ship, card_tracking, letter_tracking] {
        authority::TrustCenter tc(ship->dir);
        authority::TrustCenterOrders desk(tc);
        authority::ship_order(desk, ship->order_number, {*card_tracking, *letter_tracking}, kActor,
                              unix_now());
        fmt::print("Order {} shipped.\n", ship->order_number);
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

// The proofs an application names by file ("proof": {"file": "zulassung.pdf"}, relative to the
// application's folder) or inline ("file_base64").
std::vector<new_order::ProofUpload> proof_files(nlohmann::json& body,
                                                const std::filesystem::path& folder) {
    std::vector<new_order::ProofUpload> uploads;
    auto certificate = body.find("certificate");
    if (certificate == body.end() || !certificate->is_object()) {
        return uploads;
    }
    for (auto& [attribute, value] : certificate->items()) {
        if (!value.is_object() || !value.contains("proof") || !value["proof"].is_object()) {
            continue;
        }
        auto& proof = value["proof"];
        if (proof.contains("file") && proof["file"].is_string()) {
            const auto path = folder / proof["file"].get<std::string>();
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                throw std::runtime_error("cannot read proof " + path.string());
            }
            uploads.push_back({attribute, std::string(std::istreambuf_iterator<char>(in), {})});
            proof.erase("file");
        } else if (proof.contains("file_base64") && proof["file_base64"].is_string()) {
            uploads.push_back({attribute, encoding::from_base64(proof["file_base64"])});
            proof.erase("file_base64");
        }
    }
    return uploads;
}

void print_field_errors(const orders::InvalidOrderData& e) {
    fmt::print(stderr, "error [{}]: {}\nFehler: {}\n", e.id(), e.code().en, e.code().de);
    for (const auto& f : e.fields()) {
        const auto* own = new_order::application_field(f.field);
        const auto* shared = orders::order_field(f.field);
        const std::string label =
            own ? std::string(own->label_en)
                : shared ? orders::field_title(*shared, true) : f.field;
        fmt::print(stderr, "  {} ({}): [{}] {} / {}\n", label, f.field, f.code->id, f.code->en,
                   f.code->de);
    }
}

void add_new(CLI::App& order) {
    struct NewOptions {
        std::filesystem::path dir;
        std::filesystem::path from;
        std::filesystem::path out;
        std::string language = "de";
    };
    auto o = std::make_shared<NewOptions>();
    auto* cmd = order.add_subcommand(
        "new", "Enter a new order for a walk-in applicant (registration office), from a JSON "
               "application as POST /api/v1/new-orders takes it; the same checks apply");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--from", o->from, "The application (JSON)")->required()->check(
        CLI::ExistingFile);
    cmd->add_option("--out", o->out,
                    "Write order form, PostIdent coupon and description here (PDF)");
    cmd->add_option("--lang", o->language, "Language of the documents (de, en)")
        ->check(CLI::IsMember({"de", "en"}));
    cmd->callback([o] {
        std::ifstream in(o->from);
        auto body = nlohmann::json::parse(in, nullptr, false);
        if (!body.is_object()) {
            throw std::runtime_error(o->from.string() + " holds no JSON object");
        }
        authority::TrustCenter tc(o->dir);
        authority::TrustCenterOrders desk(tc);
        const auto& config = tc.config();
        const auto key =
            new_order::DataKey::load_or_create(config.resolve(config.new_order.data_key_file));
        new_order::NewOrders orders({config, tc.database(), desk.book(), key});
        new_order::SubmittedApplication submitted;
        submitted.uploads = proof_files(body, o->from.parent_path());
        submitted.application = new_order::application_from_json(body);
        const Secret password(body.value("revocation_password", std::string()));
        submitted.revocation_password = password;
        submitted.revocation_password_repeat = password;
        new_order::PlacedNewOrder placed;
        try {
            placed = orders.submit(std::move(submitted), unix_now());
        } catch (const orders::InvalidOrderData& e) {
            print_field_errors(e);
            throw CLI::RuntimeError(2);
        }
        fmt::print("New order {} awaiting identification.\n", placed.order_number);
        fmt::print("PostIdent reference: {}\nidentification by:   {}\nSHA-256 of the order: {}\n",
                   placed.postident_reference, orders::format_utc(placed.deadline),
                   placed.document_sha256);
        if (!o->out.empty()) {
            std::filesystem::create_directories(o->out);
            const auto stored = orders.find(placed.order_number);
            const auto papers = new_order::papers_of(
                *stored, config,
                o->language == "en" ? documents::Language::english : documents::Language::german);
            for (const auto name : new_order::kDocumentNames) {
                const auto file = o->out / (std::string(name) + "-" + placed.order_number + ".pdf");
                std::ofstream(file, std::ios::binary) << *new_order::render_document(name, papers);
                fmt::print("written: {}\n", file.string());
            }
        }
    });
}

// What the portal does every minute (its "identification deadlines" task), for a trust center
// whose portal is not running, or from a scheduler.
void add_expire(CLI::App& order) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto* cmd = order.add_subcommand(
        "expire-overdue", "Expire new orders not identified by their deadline (the portal does "
                          "this every minute)");
    cmd->add_option("--dir", *dir, "Trust center folder")->required();
    cmd->callback([dir] {
        authority::TrustCenter tc(*dir);
        authority::TrustCenterOrders desk(tc);
        const auto& config = tc.config();
        const auto key =
            new_order::DataKey::load_or_create(config.resolve(config.new_order.data_key_file));
        new_order::NewOrders orders({config, tc.database(), desk.book(), key});
        const auto expired = orders.expire_overdue(unix_now());
        for (const auto& number : expired) {
            fmt::print("Order {} expired: not identified by its deadline.\n", number);
        }
        fmt::print("{} order(s) expired.\n", expired.size());
    });
}

}  // namespace

void add_order_commands(CLI::App& app) {
    auto* order = app.add_subcommand("order", "Orders in the back office");
    order->require_subcommand(1);
    add_list(*order);
    add_state_changes(*order);
    add_decision_commands(*order);
    add_new(*order);
    add_expire(*order);
}

}  // namespace sigcard::cli
