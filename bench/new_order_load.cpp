// Load driver: new orders per second through the portal's HTTPS API, each with its three PDFs,
// next to what the same run does with the parts alone.
//
// It creates a trust center in a temporary folder (terms published, per-client limits lifted for
// the driver's one address), starts sigcard-portal and lets C applicants at once each place an
// application (POST /api/v1/new-orders, stored durably) and then fetch the order form, the
// PostIdent coupon and the description through the links of the answer: one application is those
// four requests, timed from the POST to the last PDF. All connections are kept-alive HTTPS,
// driven by this one thread with epoll (keep_alive_tls_client.hpp).
// Beside it, measured in the same run on the same machine:
//   - the three PDFs rendered in a loop, in this process, on as many threads as the portal has,
//     without HTTP or database: what the documents alone cost;
//   - a bare HTTPS POST of the same size answered by the same server without any work (POST to
//     /healthz, answered 405 after the body was read): what HTTPS and the body alone cost.
//   - the revocation password's Argon2id hash alone, which every application pays once.
// The ratios say what the order path adds to each.
//
// usage: new_order_load BUILD_DIR [applications=400] [clients=64] [portal_threads=2]
// SIGCARD_LOAD_KEEP=1 keeps the trust center folder (database, logs) for inspection.
#include "load_figures.hpp"
#include "keep_alive_tls_client.hpp"
#include "portal_process.hpp"

#include "authority/trust_center.hpp"
#include "common/clock.hpp"
#include "documents/new_order_documents.hpp"
#include "new_order/application.hpp"
#include "orders/revocation_password.hpp"
#include "orders/terms.hpp"
#include "storage/database.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace sigcard;
using Clock = std::chrono::steady_clock;

namespace {

nlohmann::json application(std::size_t i) {
    new_order::Application a;
    a.person = {"Lena", fmt::format("Beispiel{}", i), "", "1985-04-23", "Münster", "DE",
                {"Prinzipalmarkt 10", "48143", "Münster", "DE"}};
    a.id_document = {"id_card", fmt::format("T{:08}", i), "Stadt Münster", "2022-05-10",
                     "2032-05-09"};
    a.order.contact = {fmt::format("applicant{}@example.org", i), "+49 251 1234567"};
    a.order.shipping = {"Lena Beispiel", "", "Prinzipalmarkt 10", "", "48143", "Münster", "DE"};
    static_cast<orders::PostalAddress&>(a.order.billing) = a.order.shipping;
    a.order.terms_accepted = true;
    a.withdrawal_acknowledged = true;
    nlohmann::json body = a;
    body["revocation_password"] = "Sperre-2026!";
    return body;
}

std::filesystem::path prepare(const std::filesystem::path& dir) {
    authority::InitOptions init;
    init.dir = dir;
    auto config = authority::TrustCenter::create(init);
    bench::lift_client_limits(config);
    std::ofstream(dir / "sigcard.toml") << config.to_toml();
    storage::Database db("sqlite:" + (dir / "sigcard.db").string(), 1);
    orders::TermsCatalogue(db).publish("Demo-AGB", "bench-1", unix_now() - 60, "bench");
    return dir;
}

using Figures = bench::LoadFigures;

// What one connection is doing: its application, and which of its four requests is out.
struct Applicant {
    std::size_t index = 0;
    int step = 0;  // 0: the POST; 1–3: the documents
    std::vector<std::string> documents;
    Clock::time_point started;
};

std::string path_of(const std::string& url) {
    return url.substr(url.find("/api/v1/"));
}

// C connections, each doing applications one after another until all are done.
Figures run_applications(const std::filesystem::path& dir, const bench::Portal& portal,
                         const std::vector<std::string>& bodies, int clients) {
    std::vector<std::unique_ptr<bench::KeepAliveTlsClient>> connections;
    for (int c = 0; c < clients; ++c) {
        connections.push_back(std::make_unique<bench::KeepAliveTlsClient>(
            "127.0.0.1", static_cast<std::uint16_t>(std::stoi(portal.port)),
            dir / "ca" / "root.pem"));
    }
    const int poller = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Applicant> state(connections.size());
    std::size_t next = 0;
    Figures f;
    const auto start = [&](std::size_t c) {
        if (next >= bodies.size()) {
            return false;
        }
        state[c] = {next++, 0, {}, Clock::now()};
        connections[c]->send("/api/v1/new-orders", bodies[state[c].index], "application/json");
        return true;
    };
    const auto fail = [&](const std::string& why) {
        if (f.failed++ == 0) {
            f.first_failure = why;
        }
    };
    const auto began = Clock::now();
    std::size_t active = 0;
    for (std::size_t c = 0; c < connections.size(); ++c) {
        connections[c]->set_nonblocking();
        epoll_event interest{};
        interest.events = EPOLLIN;
        interest.data.u64 = c;
        ::epoll_ctl(poller, EPOLL_CTL_ADD, connections[c]->socket(), &interest);
        active += start(c) ? 1 : 0;
    }
    std::array<epoll_event, 128> ready{};
    while (active > 0) {
        const int n = ::epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), 60'000);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            fail("no answer within a minute");
            break;
        }
        for (int e = 0; e < n; ++e) {
            const std::size_t c = ready[static_cast<std::size_t>(e)].data.u64;
            std::optional<bench::HttpAnswer> answer;
            try {
                answer = connections[c]->answer();
            } catch (const std::exception& ex) {
                fail(ex.what());
                ::epoll_ctl(poller, EPOLL_CTL_DEL, connections[c]->socket(), nullptr);
                --active;
                continue;
            }
            if (!answer) {
                continue;
            }
            auto& s = state[c];
            if (s.step == 0) {
                if (answer->status != 201) {
                    fail(fmt::format("{} {}", answer->status, answer->body.substr(0, 300)));
                    active -= start(c) ? 0 : 1;
                    continue;
                }
                const auto json = nlohmann::json::parse(answer->body);
                for (const char* name : {"order-form", "postident-coupon", "description"}) {
                    s.documents.push_back(path_of(json["documents"][name].get<std::string>()));
                }
            } else if (answer->status != 200 || !answer->body.starts_with("%PDF-")) {
                fail(fmt::format("document {}: {}", answer->status, answer->body.substr(0, 200)));
            }
            if (s.step < 3) {
                connections[c]->send_get(s.documents[static_cast<std::size_t>(s.step)]);
                ++s.step;
                continue;
            }
            f.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - s.started).count());
            ++f.done;
            active -= start(c) ? 0 : 1;
        }
    }
    f.seconds = std::chrono::duration<double>(Clock::now() - began).count();
    ::close(poller);
    return f;
}

// The same size of body POSTed to /healthz (405 once the body is read): HTTPS and the body alone,
// from `clients` threads with a blocking kept-alive connection each.
Figures run_bare_posts(const std::filesystem::path& dir, const bench::Portal& portal,
                       std::size_t body_bytes, std::size_t count, int clients) {
    const std::string body(body_bytes, 'x');
    std::atomic<std::size_t> next{0};
    Figures f;
    std::mutex mutex;
    const auto began = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            bench::KeepAliveTlsClient connection(
                "127.0.0.1", static_cast<std::uint16_t>(std::stoi(portal.port)),
                dir / "ca" / "root.pem");
            while (next++ < count) {
                const auto sent = Clock::now();
                connection.send("/healthz", body, "application/json");
                std::optional<bench::HttpAnswer> answer;
                while (!(answer = connection.answer())) {
                }
                const double ms =
                    std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
                std::lock_guard lock(mutex);
                f.latencies_ms.push_back(ms);
                if (answer->status == 405) {
                    ++f.done;
                } else if (f.failed++ == 0) {
                    f.first_failure = std::to_string(answer->status);
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    f.seconds = std::chrono::duration<double>(Clock::now() - began).count();
    return f;
}

// `work()` `count` times on `threads` threads; how long that took.
template <typename Work>
Figures in_threads(std::size_t count, int threads, Work work) {
    std::atomic<std::size_t> next{0};
    const auto began = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            while (next++ < count) {
                work();
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    Figures f;
    f.done = count;
    f.seconds = std::chrono::duration<double>(Clock::now() - began).count();
    return f;
}

// The three PDFs of one order rendered `count` times on `threads` threads.
Figures run_rendering(std::size_t count, int threads) {
    documents::NewOrderPapers papers;
    papers.trust_center = "SigCard Demo Trust Center";
    papers.order_number = "NA-2026-7KQM-X3PA";
    papers.postident_reference = "SC7KQMX3PA2B";
    papers.postident_billing_number = "99800000000101";
    papers.created_at = unix_now();
    papers.deadline = papers.created_at + 30 * 86400;
    papers.application = new_order::application_from_json(application(1));
    papers.terms_version = "bench-1";
    papers.terms_sha256 = std::string(64, 'a');
    papers.price = {9900, 19};
    papers.document_sha256 = std::string(64, 'b');
    return in_threads(count, threads, [&] {
        const auto a = documents::render_new_order_form(papers);
        const auto b = documents::render_postident_coupon(papers);
        const auto c = documents::render_new_order_description(papers);
        if (a.empty() || b.empty() || c.empty()) {
            std::abort();
        }
    });
}

// The revocation password's Argon2id hash (libsodium, interactive limits: the cost is the point)
// `count` times on `threads` threads: every application pays it once.
Figures run_hashing(std::size_t count, int threads) {
    return in_threads(count, threads, [] {
        if (orders::hash_revocation_password(Secret("Sperre-2026!")).empty()) {
            std::abort();
        }
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: new_order_load BUILD_DIR [applications] [clients] [portal_threads]\n");
        return 2;
    }
    const std::filesystem::path build = std::filesystem::absolute(argv[1]);
    const int count = argc > 2 ? std::max(1, std::stoi(argv[2])) : 400;
    const int clients = argc > 3 ? std::max(1, std::stoi(argv[3])) : 64;
    const int portal_threads = argc > 4 ? std::stoi(argv[4]) : 2;
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("sigcard-new-order-load-{}", ::getpid());
    prepare(dir);
    std::vector<std::string> bodies;
    for (int i = 0; i < count; ++i) {
        bodies.push_back(application(static_cast<std::size_t>(i)).dump());
    }
    const std::size_t body_bytes = bodies.front().size();
    const auto portal = bench::start_portal(build, dir, portal_threads);
    fmt::print("new orders through HTTPS: {} applications, {} clients, {} portal threads\n", count,
               clients, portal_threads);
    std::fflush(stdout);
    const auto orders = run_applications(dir, portal, bodies, clients);
    const auto bare = run_bare_posts(dir, portal, body_bytes,
                                     static_cast<std::size_t>(count) * 20, clients);
    bench::stop_portal(portal);
    const auto rendering = run_rendering(static_cast<std::size_t>(count), portal_threads);
    const auto hashing = run_hashing(static_cast<std::size_t>(count), portal_threads);

    long long stored = 0;
    {
        storage::Database db("sqlite:" + (dir / "sigcard.db").string(), 1);
        db.with_session([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM orders WHERE kind = 'new'", soci::into(stored);
        });
    }
    fmt::print("  applications (POST + 3 PDFs):   {:8.1f} /s   p50 {:.1f} ms   p99 {:.1f} ms   "
               "({} done, {} failed{}{})\n",
               orders.per_second(), orders.percentile(0.5), orders.percentile(0.99), orders.done,
               orders.failed, orders.failed ? ": " : "", orders.first_failure);
    fmt::print("  the 3 PDFs alone ({} threads):    {:8.1f} /s   (no HTTP, no database)\n",
               portal_threads, rendering.per_second());
    fmt::print("  the password hash alone ({} thr.): {:8.1f} /s   (Argon2id, libsodium interactive)\n",
               portal_threads, hashing.per_second());
    fmt::print("  bare HTTPS POST of {} bytes:    {:8.1f} /s   p50 {:.2f} ms   p99 {:.2f} ms\n",
               body_bytes, bare.per_second(), bare.percentile(0.5), bare.percentile(0.99));
    fmt::print("  ratio to the PDFs alone:          {:5.0f} %\n",
               100.0 * orders.per_second() / std::max(rendering.per_second(), 1e-9));
    fmt::print("  ratio to the password hash alone: {:5.0f} %\n",
               100.0 * orders.per_second() / std::max(hashing.per_second(), 1e-9));
    fmt::print("  ratio to bare HTTPS POSTs:        {:5.1f} %\n",
               100.0 * orders.per_second() / std::max(bare.per_second(), 1e-9));
    fmt::print("  stored new orders: {} of {}\n", stored, count);
    if (std::getenv("SIGCARD_LOAD_KEEP") != nullptr) {
        fmt::print("  trust center kept for inspection: {}\n", dir.string());
    } else {
        std::filesystem::remove_all(dir);
    }
    return orders.failed == 0 && stored == count ? 0 : 1;
}
