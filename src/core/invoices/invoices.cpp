#include "invoices/invoices.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

namespace sigcard::invoices {

namespace {

int year_of(std::int64_t unix_seconds) { return std::stoi(iso_date(unix_seconds).substr(0, 4)); }

nlohmann::json buyer_json(const orders::BillingAddress& b, const std::string& email) {
    return {{"name", b.name},       {"company", b.company},     {"street", b.street},
            {"address_extra", b.address_extra}, {"postal_code", b.postal_code},
            {"city", b.city},       {"country", b.country},     {"vat_id", b.vat_id},
            {"email", email}};
}

Invoice invoice_from(const soci::row& row) {
    Invoice i;
    i.number = row.get<std::string>(0);
    i.order_number = row.get<std::string>(1);
    i.issued_at = storage::row_int64(row, 2);
    const auto buyer = nlohmann::json::parse(row.get<std::string>(3));
    i.buyer.name = buyer.value("name", "");
    i.buyer.company = buyer.value("company", "");
    i.buyer.street = buyer.value("street", "");
    i.buyer.address_extra = buyer.value("address_extra", "");
    i.buyer.postal_code = buyer.value("postal_code", "");
    i.buyer.city = buyer.value("city", "");
    i.buyer.country = buyer.value("country", "");
    i.buyer.vat_id = buyer.value("vat_id", "");
    i.buyer_email = buyer.value("email", "");
    i.description = row.get<std::string>(4);
    i.price.net_cents = storage::row_int64(row, 5);
    i.price.vat_percent = static_cast<int>(storage::row_int64(row, 6));
    return i;
}

constexpr std::string_view kColumns =
    "SELECT i.number, o.order_number, i.issued_at, i.buyer, i.description, i.net_cents, "
    "i.vat_percent FROM invoices i JOIN orders o ON o.id = i.order_id ";

// A spreadsheet must not run what a buyer typed: text that would start a formula is quoted.
std::string csv_field(const std::string& value) {
    std::string text = value;
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) {
        text = "'" + text;
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string euros(std::int64_t cents) { return fmt::format("{}.{:02}", cents / 100, cents % 100); }

}  // namespace

Invoice issue(soci::session& s, storage::Dialect dialect, const InvoiceInput& input,
              const std::string& actor, std::int64_t now) {
    const int year = year_of(now);
    // The year's row first (once), then the number: the UPDATE locks the row on PostgreSQL, so
    // two shipments draw one after the other, and a rollback gives the number back.
    s << "INSERT INTO invoice_numbers (year, last_number) VALUES (:year, 0) ON CONFLICT (year) DO "
         "NOTHING",
        soci::use(year);
    s << "UPDATE invoice_numbers SET last_number = last_number + 1 WHERE year = :year",
        soci::use(year);
    long long last = 0;
    s << "SELECT last_number FROM invoice_numbers WHERE year = :year", soci::use(year),
        soci::into(last);
    Invoice invoice;
    invoice.number = fmt::format("{}-{:06}", year, last);
    invoice.order_number = input.order_number;
    invoice.issued_at = now;
    invoice.buyer = input.data.billing;
    invoice.buyer_email = input.data.contact.email;
    invoice.description = input.description;
    invoice.price = input.price;
    const std::string buyer = buyer_json(invoice.buyer, invoice.buyer_email).dump();
    const long long order_id = input.order_id;
    const long long at = now;
    const long long net = input.price.net_cents;
    const int vat_percent = input.price.vat_percent;
    const long long vat = input.price.vat_cents();
    const long long gross = input.price.gross_cents();
    s << "INSERT INTO invoices (number, order_id, issued_at, buyer, description, net_cents, "
         "vat_percent, vat_cents, gross_cents) VALUES (:number, :order, :at, :buyer, :description, "
         ":net, :rate, :vat, :gross)",
        soci::use(invoice.number), soci::use(order_id), soci::use(at), soci::use(buyer),
        soci::use(invoice.description), soci::use(net), soci::use(vat_percent), soci::use(vat),
        soci::use(gross);
    audit::append(s, dialect, actor, "invoice.issued", input.order_number,
                  nlohmann::json{{"invoice", invoice.number}, {"gross_cents", gross}}.dump());
    return invoice;
}

std::optional<Invoice> invoice_of(storage::Database& db, const std::string& order_number) {
    return db.with_session([&](soci::session& s) -> std::optional<Invoice> {
        soci::rowset<soci::row> rows =
            (s.prepare << std::string(kColumns) + "WHERE o.order_number = :n",
             soci::use(order_number));
        for (const auto& row : rows) {
            return invoice_from(row);
        }
        return std::nullopt;
    });
}

std::vector<Invoice> issued_between(storage::Database& db, std::int64_t from, std::int64_t to) {
    return db.with_session([&](soci::session& s) {
        std::vector<Invoice> out;
        const long long begin = from;
        const long long end = to;
        soci::rowset<soci::row> rows =
            (s.prepare << std::string(kColumns) +
                              "WHERE i.issued_at >= :from AND i.issued_at < :to ORDER BY i.number",
             soci::use(begin), soci::use(end));
        for (const auto& row : rows) {
            out.push_back(invoice_from(row));
        }
        return out;
    });
}

std::string to_csv(const std::vector<Invoice>& invoices) {
    std::string out =
        "number,date,order,buyer,company,vat_id,country,net_eur,vat_percent,vat_eur,gross_eur\r\n";
    for (const auto& i : invoices) {
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\r\n", csv_field(i.number),
                           iso_date(i.issued_at), csv_field(i.order_number), csv_field(i.buyer.name),
                           csv_field(i.buyer.company), csv_field(i.buyer.vat_id),
                           csv_field(i.buyer.country), euros(i.price.net_cents),
                           i.price.vat_percent, euros(i.price.vat_cents()),
                           euros(i.price.gross_cents()));
    }
    return out;
}

}  // namespace sigcard::invoices
