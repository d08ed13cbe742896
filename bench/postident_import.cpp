// Load driver: PostIdent results taken in per second from a folder of result files, beside
// reading and parsing the same files alone in the same run.
//
// It prepares a trust center database in a temporary folder with N new orders awaiting
// identification (rows written directly: the intake's Argon2id is not what is measured here),
// writes one result document per order into a folder as the (FAKE) post office delivers them —
// nine in ten matching in every value, one in ten with a changed birth place — and then:
//   1. reads and parses every file (result_files + parse_postident_case), nothing stored: what
//      the files alone cost;
//   2. imports the folder with `PostIdentResults::import` in one transaction: each result matched
//      to its order, assessed, sealed, stored, audited, and the order moved (identified or in
//      review).
// The ratio says what storing and acting on a result adds to reading it.
//
// usage: postident_import [results=100000]
// SIGCARD_LOAD_KEEP=1 keeps the folder (database, result files) for inspection.
#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "config/trust_center_config.hpp"
#include "identification/postident_files.hpp"
#include "identification/postident_results.hpp"
#include "new_order/application.hpp"
#include "new_order/proofs.hpp"
#include "storage/database.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sigcard;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string reference_of(std::size_t i) { return fmt::format("SCB{:09d}", i); }

void prepare_orders(storage::Database& db, std::size_t count, std::int64_t now) {
    db.in_transaction([&](soci::session& s) {
        s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
             "VALUES ('2026-01', 0, 'aa', 'AGB', 0)";
        for (std::size_t i = 0; i < count; ++i) {
            const std::string number = fmt::format("NA-2026-{:08d}", i);
            const std::string reference = reference_of(i);
            const auto application = testing::valid_application();
            const std::string data = nlohmann::json(application.order).dump();
            const std::string document =
                nlohmann::json{{"application", application}, {"order_number", number}}.dump();
            const long long at = now;
            s << "INSERT INTO orders (order_number, kind, state, order_data, terms_version, "
                 "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
                 "created_at, updated_at) VALUES (:n, 'new', 'awaiting_identification', :data, "
                 "'2026-01', :n2, '', '', '', :n3, :at, :at2)",
                soci::use(number), soci::use(data), soci::use(number), soci::use(number),
                soci::use(at), soci::use(at);
            s << "INSERT INTO new_order_applications (order_id, postident_reference, "
                 "identification_method, document, revocation_password_hash, "
                 "identification_deadline) SELECT id, :reference, 'postident', :document, 'x', "
                 ":deadline FROM orders WHERE order_number = :n",
                soci::use(reference), soci::use(document), soci::use(at), soci::use(number);
        }
    });
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    const auto dir = std::filesystem::temp_directory_path() /
                     fmt::format("sigcard-postident-bench-{}", ::getpid());
    std::filesystem::create_directories(dir / "results");
    const auto now = unix_now();
    auto config = config::TrustCenterConfig{};
    config.dir = dir;
    storage::Database db("sqlite:" + (dir / "sigcard.db").string(), 2);
    db.migrate();
    fmt::print("preparing {} new orders and their result files …\n", count);
    prepare_orders(db, count, now + 86400);
    for (std::size_t i = 0; i < count; ++i) {
        auto result = testing::FakePostOffice::success(reference_of(i), testing::valid_application(),
                                                       config.new_order.postident_billing_number);
        if (i % 10 == 9) {
            result["identifications"][0]["identificationDocument"]["birthPlace"] = {
                {"status", "change"}, {"value", "Bonn"}};
        }
        std::ofstream(dir / "results" / fmt::format("case-{:06d}.json", i)) << result.dump(2);
    }
    const auto key = new_order::DataKey::load_or_create(dir / "data.key");
    identification::PostIdentResults results({config, db, key});

    // 1. The files alone: read and parsed.
    auto start = Clock::now();
    std::size_t parsed = 0;
    identification::result_files(dir / "results", config.postident)(
        [&](identification::ResultDocument document) {
            parsed += !identification::parse_postident_case(document.content).case_id.empty();
        });
    const double parse_seconds = seconds_since(start);

    // 2. The import: one transaction for the whole folder.
    start = Clock::now();
    const auto report = results.import(identification::result_files(dir / "results", config.postident),
                                       now);
    const double import_seconds = seconds_since(start);
    std::size_t identified = 0;
    std::size_t review = 0;
    for (const auto& r : report) {
        identified += r.outcome == identification::Outcome::identified;
        review += r.outcome == identification::Outcome::in_review;
    }
    const bool intact = audit::verify(db).intact;

    fmt::print("results: {} ({} identified, {} in review), audit chain {}\n", report.size(),
               identified, review, intact ? "intact" : "BROKEN");
    fmt::print("read and parse alone:      {:9.0f} results/s ({:.1f} s)\n", parsed / parse_seconds,
               parse_seconds);
    fmt::print("import (store, act, audit): {:8.0f} results/s ({:.1f} s) = {:.1f} % of parsing alone\n",
               report.size() / import_seconds, import_seconds,
               100.0 * (report.size() / import_seconds) / (parsed / parse_seconds));
    if (std::getenv("SIGCARD_LOAD_KEEP") == nullptr) {
        std::filesystem::remove_all(dir);
    } else {
        fmt::print("kept: {}\n", dir.string());
    }
    return report.size() == count && identified + review == count && intact ? 0 : 1;
}
