// sigcard invoices export|show: the invoices for accounting, as CSV for a period, and one invoice
// as the PDF the billing contact got.
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"
#include "config/trust_center_config.hpp"
#include "documents/invoice.hpp"
#include "invoices/invoices.hpp"
#include "orders/order_errors.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace sigcard::cli {

namespace {

struct InvoiceOptions {
    std::filesystem::path dir;
    std::string from;
    std::string to;
    std::string order_number;
    std::filesystem::path out;
};

}  // namespace

void add_invoice_commands(CLI::App& app) {
    auto* group = app.add_subcommand("invoices", "Invoices for accounting");
    group->require_subcommand(1);
    auto o = std::make_shared<InvoiceOptions>();
    auto* exported = group->add_subcommand(
        "export", "The invoices issued from --from up to and including --to, as CSV");
    exported->add_option("--dir", o->dir, "Trust center folder")->required();
    exported->add_option("--from", o->from, "First day (YYYY-MM-DD)")->required();
    exported->add_option("--to", o->to, "Last day (YYYY-MM-DD)")->required();
    exported->add_option("--out", o->out, "Write the CSV here (default: standard output)");
    exported->callback([o] {
        const auto config = config::TrustCenterConfig::load(o->dir);
        storage::Database db(config.resolved_database_url(), 1);
        const auto from = parse_date(o->from);
        const auto to = parse_date(o->to) + 86400;
        if (to <= from) {
            throw CLI::ValidationError("--to", "must not be before --from");
        }
        const auto csv = invoices::to_csv(invoices::issued_between(db, from, to));
        if (o->out.empty()) {
            std::cout << csv;
        } else {
            std::ofstream(o->out, std::ios::binary) << csv;
        }
    });
    auto s = std::make_shared<InvoiceOptions>();
    auto* show = group->add_subcommand("show", "One order's invoice as PDF");
    show->add_option("--dir", s->dir, "Trust center folder")->required();
    show->add_option("order", s->order_number, "Order number")->required();
    show->add_option("--out", s->out, "PDF file")->required();
    show->callback([s] {
        const auto config = config::TrustCenterConfig::load(s->dir);
        storage::Database db(config.resolved_database_url(), 1);
        const auto invoice = invoices::invoice_of(db, s->order_number);
        if (!invoice) {
            throw Error(orders::errors::unknown, s->order_number + ": no invoice");
        }
        std::ofstream(s->out, std::ios::binary) << documents::render_invoice(
            *invoice, {config.name, config.prices.seller_address, config.prices.seller_vat_id});
        fmt::print("Invoice {}: {}\n", invoice->number, s->out.string());
    });
}

}  // namespace sigcard::cli
