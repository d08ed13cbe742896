// Invoice numbers without gaps, also when the shipment's transaction fails after drawing one; the
// accounting CSV (quoted, no formulas from buyers' text); the price read back from the signed
// order document's text.
#include "invoices/invoices.hpp"

#include "core/pki_fixture.hpp"
#include "orders/price.hpp"
#include "orders/terms.hpp"
#include "support/postgresql_schema.hpp"
#include "support/services.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace sigcard::invoices {
namespace {

constexpr std::int64_t kNow = 1'796'000'000;  // 2026-11-30

class InvoicesTest : public ::testing::Test {
protected:
    InvoicesTest() {
        orders::TermsCatalogue(tc.db).publish("AGB", "2026-01", kNow - 86400, "operator:test");
        for (int i = 0; i < 3; ++i) {
            tc.db.with_session([&](soci::session& s) {
                const std::string number = "FA-2026-TEST-000" + std::to_string(i);
                const std::string sha(64, static_cast<char>('a' + i));
                const std::string nonce = "nonce-" + std::to_string(i);
                const long long at = kNow;
                s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                     "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                     "created_at, updated_at) VALUES (:n, 'follow_up', 'in_production', '{}', "
                     "'2026-01', :sha, '', '', '', :nonce, :at, :at2)",
                    soci::use(number), soci::use(sha), soci::use(nonce), soci::use(at),
                    soci::use(at);
            });
        }
    }

    InvoiceInput input(int i) {
        InvoiceInput in;
        in.order_id = i + 1;
        in.order_number = "FA-2026-TEST-000" + std::to_string(i);
        in.data.contact.email = "buchhaltung@kanzlei.example";
        in.data.billing.name = "Jürgen Müller";
        in.data.billing.company = "=HYPERLINK(\"http://evil.example\")";
        in.data.billing.vat_id = "DE123456789";
        in.data.billing.country = "DE";
        in.description = "Qualifizierte Signaturkarte";
        in.price = {7900, 19};
        return in;
    }

    pki::testing::TrustCenter tc;
};

TEST_F(InvoicesTest, NumbersRunWithoutGapsEvenWhenAShipmentFails) {
    const auto first = tc.db.in_transaction(
        [&](soci::session& s) { return issue(s, tc.db.dialect(), input(0), "operator:elif", kNow); });
    EXPECT_EQ(first.number, "2026-000001");
    // The second shipment draws a number and then fails: the number goes back with it.
    EXPECT_THROW(tc.db.in_transaction([&](soci::session& s) {
        issue(s, tc.db.dialect(), input(1), "operator:elif", kNow);
        throw std::runtime_error("the shipment failed after the invoice");
    }),
                 std::runtime_error);
    EXPECT_FALSE(invoice_of(tc.db, "FA-2026-TEST-0001"));
    const auto next = tc.db.in_transaction(
        [&](soci::session& s) { return issue(s, tc.db.dialect(), input(2), "operator:elif", kNow); });
    EXPECT_EQ(next.number, "2026-000002");
    // A new year starts at 1 again.
    const auto january = tc.db.in_transaction([&](soci::session& s) {
        return issue(s, tc.db.dialect(), input(1), "operator:elif", kNow + 40 * 86400);
    });
    EXPECT_EQ(january.number, "2027-000001");
    const auto read = invoice_of(tc.db, "FA-2026-TEST-0000");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->price.gross_cents(), 9401);
    EXPECT_EQ(read->buyer.vat_id, "DE123456789");
}

TEST_F(InvoicesTest, TheCsvQuotesEveryTextAndRunsNoFormula) {
    tc.db.in_transaction(
        [&](soci::session& s) { return issue(s, tc.db.dialect(), input(0), "operator:elif", kNow); });
    const auto csv = to_csv(issued_between(tc.db, kNow - 10, kNow + 10));
    EXPECT_EQ(csv,
              "number,date,order,buyer,company,vat_id,country,net_eur,vat_percent,vat_eur,gross_eur\r\n"
              "\"2026-000001\",2026-11-30,\"FA-2026-TEST-0000\",\"Jürgen Müller\","
              "\"'=HYPERLINK(\"\"http://evil.example\"\")\",\"DE123456789\",\"DE\",79.00,19,15.01,"
              "94.01\r\n");
    EXPECT_EQ(issued_between(tc.db, kNow + 10, kNow + 20).size(), 0u);
}

// Shipments on four connections at once on PostgreSQL, every third one failing after it drew
// its number: the invoices that stay are numbered 1, 2, 3, … without a gap or a twin.
TEST(InvoicesOnPostgresql, ConcurrentShipmentsNumberWithoutGapsOrTwins) {
    SIGCARD_TEST_POSTGRESQL_OR_END(conninfo);
    storage::Database db(testing::fresh_postgresql_schema(conninfo, "invoices_test"), 4);
    db.migrate();
    orders::TermsCatalogue(db).publish("AGB", "2026-01", kNow - 86400, "operator:test");
    constexpr int kOrders = 48;
    std::vector<std::pair<long long, std::string>> orders;
    db.with_session([&](soci::session& s) {
        for (int i = 0; i < kOrders; ++i) {
            const std::string number = "FA-2026-CONC-" + std::to_string(1000 + i);
            const std::string sha = std::string(60, 'c') + std::to_string(1000 + i);
            const long long at = kNow;
            s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                 "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                 "created_at, updated_at) VALUES (:n, 'follow_up', 'in_production', '{}', "
                 "'2026-01', :sha, '', '', '', :nonce, :at, :at2)",
                soci::use(number), soci::use(sha), soci::use(number), soci::use(at), soci::use(at);
            long long id = 0;
            s << "SELECT id FROM orders WHERE order_number = :n", soci::use(number), soci::into(id);
            orders.emplace_back(id, number);
        }
    });
    std::atomic<int> next{0};
    std::atomic<int> kept{0};
    std::vector<std::thread> shippers;
    for (int t = 0; t < 4; ++t) {
        shippers.emplace_back([&] {
            for (int i = next++; i < kOrders; i = next++) {
                InvoiceInput in;
                in.order_id = orders[i].first;
                in.order_number = orders[i].second;
                in.data.contact.email = "buchhaltung@example.org";
                in.data.billing.name = "Erika Mustermann";
                in.description = "Qualifizierte Signaturkarte";
                in.price = {7900, 19};
                try {
                    db.in_transaction([&](soci::session& s) {
                        issue(s, db.dialect(), in, "operator:elif", kNow);
                        if (i % 3 == 2) {
                            throw std::runtime_error("the shipment failed after the invoice");
                        }
                    });
                    ++kept;
                } catch (const std::runtime_error&) {
                }
            }
        });
    }
    for (auto& t : shippers) {
        t.join();
    }
    std::vector<std::string> numbers;
    db.with_session([&](soci::session& s) {
        soci::rowset<std::string> rows = (s.prepare << "SELECT number FROM invoices ORDER BY number");
        numbers.assign(rows.begin(), rows.end());
    });
    ASSERT_EQ(static_cast<int>(numbers.size()), kept.load());
    EXPECT_EQ(kept.load(), kOrders - kOrders / 3);
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        EXPECT_EQ(numbers[i], fmt::format("2026-{:06}", i + 1));
    }
}

TEST(PriceText, ReadsBackWhatTheOrderDocumentSays) {
    const orders::Price price{7900, 19};
    for (const bool english : {false, true}) {
        const auto back = orders::price_from_text(orders::price_text(price, english));
        ASSERT_TRUE(back) << english;
        EXPECT_EQ(back->net_cents, 7900);
        EXPECT_EQ(back->vat_percent, 19);
    }
    EXPECT_FALSE(orders::price_from_text("94,01 EUR"));
    // Numbers that do not add up are not a price this portal wrote.
    EXPECT_FALSE(orders::price_from_text("90,00 EUR inkl. 19 % USt (netto 79,00 EUR, USt 15,01 EUR)"));
}

}  // namespace
}  // namespace sigcard::invoices
