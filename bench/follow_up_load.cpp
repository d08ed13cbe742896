// Load driver: verified, durably stored follow-up orders per second through the portal's HTTP
// API, with the latency distribution, next to what the machine's crypto allows.
//
// It creates a trust center in a temporary folder, issues N holder certificates (software keys
// standing for N cards: one open order per card), creates and signs a draft for each, then
// starts sigcard-portal and submits all signed orders from C concurrent keep-alive clients.
// An order is checked with three ECDSA P-256 verifications: its CAdES signature, the holder
// certificate's signature, and the signature of its OCSP evidence. The portal makes the first
// two for every order; the evidence is one response per group commit, signed by the HSM and
// checked once, for all orders of that commit.
//
// usage: follow_up_load BUILD_DIR [orders=800] [clients=16] [portal_threads=2]
#include "authority/follow_up_production.hpp"
#include "authority/trust_center.hpp"
#include "cards/card_register.hpp"
#include "common/clock.hpp"
#include "orders/follow_up_orders.hpp"
#include "orders/terms.hpp"
#include "portal/http/http_client.hpp"
#include "signature/cades.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

using namespace sigcard;
using Clock = std::chrono::steady_clock;

namespace {

struct SignedOrder {
    std::string body;  // the JSON request
};

orders::OrderData order_data(int i) {
    orders::OrderData d;
    d.contact = {fmt::format("holder{}@example.de", i), "+49 30 1234567"};
    d.shipping = {
        fmt::format("Holder {}", i), "", "Friedrichstraße 1", "", "10117", "Berlin", "DE"};
    static_cast<orders::PostalAddress&>(d.billing) = d.shipping;
    d.name_and_attributes_unchanged = true;
    d.terms_accepted = true;
    return d;
}

std::vector<SignedOrder> prepare(const std::filesystem::path& dir, int count) {
    authority::InitOptions init;
    init.dir = dir;
    authority::TrustCenter::create(init);
    authority::TrustCenter tc(dir);
    orders::TermsCatalogue(tc.database()).publish("Demo-AGB", "bench-1", unix_now() - 60, "bench");
    authority::TrustCenterOrders desk(tc);
    auto& service = desk.orders();
    const auto now = unix_now();
    const auto t = pki::Seconds(std::chrono::seconds(now));
    std::vector<SignedOrder> out;
    for (int i = 0; i < count; ++i) {
        auto key = crypto::SoftwareSigner::generate_ec();
        pki::HolderProfile holder;
        holder.given_name = "Holder";
        holder.surname = std::to_string(i);
        holder.serial_number = fmt::format("BENCH-{}", i);
        holder.country = "DE";
        auto cert = tc.ca().issue_qualified(
            tc.issuing_ca(), key.public_key(), holder,
            pki::Validity{t - std::chrono::days(1000), t + std::chrono::days(30)});
        cards::CardEntry card;
        card.card_serial = fmt::format("BENCH{:06}", i);
        card.token_label = card.card_serial;
        card.certificate_serial = pki::serial_hex(cert.get());
        card.identified_at = now - 365 * 86400;
        card.produced_at = now;
        tc.database().in_transaction([&](soci::session& s) { cards::CardRegister::add(s, card); });
        const auto draft = service.create_draft(ossl::to_der(cert.get()), order_data(i), now);
        const auto cms = signature::create_cades(key, cert.get(), ossl::as_bytes(draft.document));
        out.push_back(
            {nlohmann::json{{"nonce", draft.nonce},
                            {"document_base64", storage::to_base64(draft.document)},
                            {"signature_base64", storage::to_base64(cms.data(), cms.size())}}
                 .dump()});
    }
    return out;
}

struct Portal {
    pid_t pid = -1;
    std::string port;
};

Portal start_portal(const std::filesystem::path& build, const std::filesystem::path& dir,
                    int threads) {
    const auto log = dir / "portal.log";
    Portal p;
    p.pid = ::fork();
    if (p.pid == 0) {
        std::freopen(log.c_str(), "w", stdout);
        std::freopen(log.c_str(), "a", stderr);
        const auto binary = (build / "apps" / "sigcard-portal").string();
        const auto threads_text = std::to_string(threads);
        ::execl(binary.c_str(), binary.c_str(), "--dir", dir.c_str(), "--port", "0", "--threads",
                threads_text.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const std::regex listening("listening on https://127\\.0\\.0\\.1:([0-9]+)/");
    for (int i = 0; i < 200; ++i) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        std::smatch m;
        const std::string s = text.str();
        if (std::regex_search(s, m, listening)) {
            p.port = m[1];
            return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("portal did not start");
}

double openssl_verify_per_second() {
    FILE* pipe = ::popen("openssl speed -seconds 3 -multi 2 ecdsap256 2>/dev/null", "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
        out.append(buf, n);
    }
    ::pclose(pipe);
    // "ecdsa (nistp256)   0.0000s   0.0001s  50000.0  16000.0": the last number is verify/s.
    std::smatch m;
    const std::regex line("256 bits ecdsa \\(nistp256\\)\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+)");
    return std::regex_search(out, m, line) ? std::stod(m[2]) : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: follow_up_load BUILD_DIR [orders] [clients] [portal_threads]\n");
        return 2;
    }
    const std::filesystem::path build = std::filesystem::absolute(argv[1]);
    const int count = argc > 2 ? std::stoi(argv[2]) : 800;
    const int clients = argc > 3 ? std::stoi(argv[3]) : 16;
    const int portal_threads = argc > 4 ? std::stoi(argv[4]) : 2;
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("sigcard-load-{}", ::getpid());

    fmt::print("preparing {} signed orders (one card each) …\n", count);
    const auto prepared = prepare(dir, count);
    std::fflush(stdout);
    const auto portal = start_portal(build, dir, portal_threads);
    const std::string url =
        fmt::format("https://127.0.0.1:{}/api/v1/follow-up/orders", portal.port);

    std::vector<double> latencies_ms(prepared.size());
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    std::string first_failure;
    std::mutex failure_mutex;
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    for (int c = 0; c < clients; ++c) {
        workers.emplace_back([&] {
            portal::ClientConfig config;
            config.ca_file = dir / "ca" / "root.pem";
            config.timeout = std::chrono::seconds(60);
            portal::HttpClient client(config);
            for (std::size_t i = next++; i < prepared.size(); i = next++) {
                const auto t0 = Clock::now();
                const auto response = client.post(url, prepared[i].body, "application/json");
                latencies_ms[i] =
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                if (response.status != 201) {
                    if (failures++ == 0) {
                        std::lock_guard lock(failure_mutex);
                        first_failure = fmt::format("{} {}", response.status, response.body);
                    }
                }
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::kill(portal.pid, SIGTERM);
    ::waitpid(portal.pid, nullptr, 0);

    int stored = 0;
    int evidence = 0;
    {
        storage::Database db("sqlite:" + (dir / "sigcard.db").string(), 1);
        db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM orders", soci::into(stored);
            s << "SELECT COUNT(*) FROM revocation_evidence", soci::into(evidence);
        });
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto percentile = [&](double p) {
        return latencies_ms[std::min(
            latencies_ms.size() - 1,
            static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size())))];
    };
    const double rate = static_cast<double>(count - failures) / seconds;
    const double verify = openssl_verify_per_second();
    const double bound = verify / 3.0;  // three P-256 verifications per order, both cores
    fmt::print("follow-up submissions through HTTPS: {} orders, {} clients, {} portal threads\n",
               count, clients, portal_threads);
    fmt::print("  stored (durable, group commit):   {} of {} ({} failed{})\n", stored, count,
               failures.load(), first_failure.empty() ? "" : ": " + first_failure.substr(0, 200));
    fmt::print("  group commits (one OCSP evidence each): {} ({:.1f} orders each)\n", evidence,
               evidence > 0 ? static_cast<double>(stored) / evidence : 0.0);
    fmt::print("  throughput:                       {:.0f} orders/s\n", rate);
    fmt::print("  latency p50 / p99 / max:          {:.1f} / {:.1f} / {:.1f} ms\n",
               percentile(0.50), percentile(0.99), latencies_ms.back());
    fmt::print("  openssl speed ecdsap256 verify:   {:.0f}/s on 2 cores\n", verify);
    fmt::print("  crypto bound (3 verifies/order):  {:.0f} orders/s\n", bound);
    fmt::print("  ratio to the crypto bound:        {:.0f} %  (target: at least 50 %)\n",
               bound > 0 ? 100.0 * rate / bound : 0.0);
    std::filesystem::remove_all(dir);
    return failures == 0 && stored == count ? 0 : 1;
}
