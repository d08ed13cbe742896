// Load driver: queue pages per second the back office serves to operators with 100 000 open
// orders in the database, and the p99 of a queue page, next to a static file served by the same
// back-office server in the same run.
//
// It creates a trust center in a temporary folder with the demo operators (their cards from
// `sigcard demo cards` and `sigcard demo operators`), stores N open orders spread over the
// queues (identify, approve, produce, ship, receipt; new orders with their applications) in one
// transaction, opens one session per simulated operator for Anna (approver) the way a card login
// ends, starts sigcard-portal and lets C operators at once ask for approval-queue pages (a
// random page of the first twenty, 50 orders each) for D seconds over kept-alive HTTPS, each
// with its own session cookie. Then the same connections fetch /static/portal.css for D seconds:
// what the server, TLS and HTTP alone cost.
//
// usage: backoffice_load BUILD_DIR [orders=100000] [operators=16] [seconds=10]
// SIGCARD_LOAD_KEEP=1 keeps the trust center folder (database, logs) for inspection.
#include "load_figures.hpp"
#include "keep_alive_tls_client.hpp"
#include "portal_process.hpp"

#include "authority/trust_center.hpp"
#include "common/clock.hpp"
#include "operators/operator_login.hpp"
#include "operators/operator_register.hpp"
#include "operators/operator_sessions.hpp"
#include "orders/terms.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace sigcard;
using Clock = std::chrono::steady_clock;

namespace {

void run_or_throw(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("failed: " + command);
    }
}

// N open orders across the queues, as many as a large trust center has waiting.
void store_orders(storage::Database& db, int count) {
    const std::array<std::string_view, 5> states{"identified", "awaiting_identification",
                                                 "approved", "in_production", "shipped"};
    const auto now = unix_now();
    db.in_transaction([&](soci::session& s) {
        std::string number, state, data, sha, nonce, reference, document;
        long long at = 0;
        long long id = 0;
        soci::statement order =
            (s.prepare << "INSERT INTO orders (order_number, kind, state, card_id, order_data, "
                          "terms_version, document_sha256, signature, signature_sha256, "
                          "certificate_serial, nonce, created_at, updated_at) VALUES (:n, 'new', "
                          ":state, NULL, :data, 'bench-1', :sha, '', '', '', :nonce, :at, :at2)",
             soci::use(number), soci::use(state), soci::use(data), soci::use(sha),
             soci::use(nonce), soci::use(at), soci::use(at));
        soci::statement application =
            (s.prepare << "INSERT INTO new_order_applications (order_id, postident_reference, "
                          "identification_method, document, revocation_password_hash, "
                          "identification_deadline) VALUES (:id, :reference, 'postident', "
                          ":document, '', :deadline)",
             soci::use(id), soci::use(reference), soci::use(document), soci::use(at));
        for (int i = 0; i < count; ++i) {
            number = fmt::format("NA-2026-{:08}", i);
            state = std::string(states[static_cast<std::size_t>(i) % states.size()]);
            data = nlohmann::json{{"contact", {{"email", fmt::format("a{}@example.org", i)}}}}.dump();
            sha = fmt::format("{:064x}", i);
            nonce = fmt::format("bench-{}", i);
            reference = fmt::format("SC{:010}", i);
            document = nlohmann::json{{"application",
                                       {{"person", {{"given_names", "Lena"},
                                                    {"surname", fmt::format("Beispiel{}", i)}}}}}}
                           .dump();
            at = now - count + i;
            order.execute(true);
            s << "SELECT id FROM orders WHERE order_number = :n", soci::use(number), soci::into(id);
            at = now + 30 * 86400;
            application.execute(true);
        }
    });
}

using Figures = bench::LoadFigures;

// Every connection asks for `path_of(c)` again as soon as it has its answer, for `seconds`.
template <typename PathOf>
Figures drive(std::vector<std::unique_ptr<bench::KeepAliveTlsClient>>& connections,
              const std::vector<std::string>& cookies, PathOf path_of, double seconds,
              std::string_view expected) {
    const int poller = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Clock::time_point> started(connections.size());
    Figures f;
    const auto began = Clock::now();
    const auto until = began + std::chrono::duration<double>(seconds);
    const auto ask = [&](std::size_t c) {
        started[c] = Clock::now();
        connections[c]->send_get(path_of(c), "Cookie: " + cookies[c] + "\r\n");
    };
    for (std::size_t c = 0; c < connections.size(); ++c) {
        epoll_event interest{};
        interest.events = EPOLLIN;
        interest.data.u64 = c;
        ::epoll_ctl(poller, EPOLL_CTL_ADD, connections[c]->socket(), &interest);
        ask(c);
    }
    std::size_t active = connections.size();
    std::array<epoll_event, 128> ready{};
    while (active > 0) {
        const int n = ::epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), 60'000);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            f.first_failure = "no answer within a minute";
            break;
        }
        for (int e = 0; e < n; ++e) {
            const std::size_t c = ready[static_cast<std::size_t>(e)].data.u64;
            const auto answer = connections[c]->answer();
            if (!answer) {
                continue;
            }
            if (answer->status != 200 || answer->body.find(expected) == std::string::npos) {
                if (f.failed++ == 0) {
                    f.first_failure = fmt::format("{} {}", answer->status, answer->body.substr(0, 300));
                }
            } else {
                ++f.done;
                f.latencies_ms.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - started[c]).count());
            }
            if (Clock::now() < until) {
                ask(c);
            } else {
                ::epoll_ctl(poller, EPOLL_CTL_DEL, connections[c]->socket(), nullptr);
                --active;
            }
        }
    }
    f.seconds = std::chrono::duration<double>(Clock::now() - began).count();
    ::close(poller);
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: backoffice_load BUILD_DIR [orders] [operators] [seconds]\n");
        return 2;
    }
    const std::filesystem::path build = std::filesystem::absolute(argv[1]);
    const int order_count = argc > 2 ? std::stoi(argv[2]) : 100'000;
    const int operator_count = argc > 3 ? std::stoi(argv[3]) : 16;
    const double seconds = argc > 4 ? std::stod(argv[4]) : 10;
    const auto root = std::filesystem::temp_directory_path() /
                      fmt::format("sigcard-backoffice-load-{}", ::getpid());
    const auto dir = root / "tc";
    std::filesystem::create_directories(root);
    try {
        authority::InitOptions init;
        init.dir = dir;
        auto config = authority::TrustCenter::create(init);
        bench::lift_client_limits(config);
        std::ofstream(dir / "sigcard.toml") << config.to_toml();
        const auto sigcard = fmt::format("SOFTHSM2_CONF={} {}", (dir / "hsm" / "softhsm2.conf").string(),
                                         (build / "apps" / "sigcard").string());
        run_or_throw(fmt::format("{} demo cards --dir {} > {} 2>&1", sigcard, dir.string(),
                                 (root / "demo.log").string()));
        run_or_throw(fmt::format("{} demo operators --dir {} >> {} 2>&1", sigcard, dir.string(),
                                 (root / "demo.log").string()));
        std::vector<std::string> cookies;
        {
            storage::Database db("sqlite:" + (dir / "sigcard.db").string(), 1);
            orders::TermsCatalogue(db).publish("Demo-AGB", "bench-1", unix_now() - 60, "bench");
            const auto filled = Clock::now();
            store_orders(db, order_count);
            fmt::print("stored {} open orders in {:.1f} s\n", order_count,
                       std::chrono::duration<double>(Clock::now() - filled).count());
            operators::OperatorLogin login(db, config.name);
            operators::OperatorSessions sessions(db, login);
            const auto anna = operators::OperatorRegister(db).find("anna");
            for (int i = 0; i < operator_count; ++i) {
                cookies.push_back(fmt::format("__Host-sigcard_backoffice={}",
                                              sessions.open(*anna, "bench", unix_now()).id));
            }
        }
        std::fflush(stdout);  // the portal's child process must not print our buffer again
        auto portal = bench::start_portal(build, dir, 2);
        std::vector<std::unique_ptr<bench::KeepAliveTlsClient>> connections;
        for (int c = 0; c < operator_count; ++c) {
            connections.push_back(std::make_unique<bench::KeepAliveTlsClient>(
                "127.0.0.1", static_cast<std::uint16_t>(std::stoi(portal.backoffice_port)),
                dir / "ca" / "root.pem"));
            connections.back()->set_nonblocking();
        }
        std::mt19937 random(42);
        const auto queue = drive(
            connections, cookies,
            [&](std::size_t) { return fmt::format("/arbeit?liste=approve&seite={}", random() % 20); },
            seconds, "queue-items");
        const auto css = drive(
            connections, cookies, [](std::size_t) { return std::string("/static/portal.css"); },
            seconds, "{");
        bench::stop_portal(portal);
        fmt::print("back office with {} open orders, {} operators at once, 2 server threads:\n",
                   order_count, operator_count);
        fmt::print("  approval queue page (50 orders):  {:8.1f} /s   p50 {:.1f} ms   p99 {:.1f} ms   "
                   "({} pages, {} failed{}{})\n",
                   queue.per_second(), queue.percentile(0.5), queue.percentile(0.99), queue.done,
                   queue.failed, queue.failed ? ": " : "", queue.first_failure);
        fmt::print("  static file (portal.css):         {:8.1f} /s   p50 {:.2f} ms   p99 {:.2f} ms\n",
                   css.per_second(), css.percentile(0.5), css.percentile(0.99));
        fmt::print("  queue pages / static file:        {:8.1f} %\n",
                   css.per_second() > 0 ? 100 * queue.per_second() / css.per_second() : 0);
        if (!std::getenv("SIGCARD_LOAD_KEEP")) {
            std::filesystem::remove_all(root);
        } else {
            fmt::print("kept {}\n", root.string());
        }
        return queue.failed == 0 && queue.done > 0 ? 0 : 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "backoffice_load: {}\n", e.what());
        return 1;
    }
}
