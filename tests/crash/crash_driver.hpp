// The crash tests' driver: a trust center whose holders' cards are software keys (one open
// follow-up order per card), sigcard-portal started and restarted on it, and clients that send
// follow-up and new orders as holders and applicants do — and send again, with the same body,
// when they got no answer. What each client was told is kept, so that afterwards the database can
// be held against it: every order a client got 201 (or 200, "already submitted") for is stored
// exactly once, nothing is stored twice, nothing stored is half an order.
#pragma once

#include "support/running_process.hpp"
#include "support/temp_dir.hpp"

#include "authority/trust_center.hpp"
#include "cards/card_register.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "http/http_client.hpp"
#include "orders/terms.hpp"
#include "signature/cades.hpp"
#include "storage/database.hpp"
#include "support/new_order_application.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <latch>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sigcard::testing {

// One order a client sends until it is answered (or gives up, as a holder who closes the page).
struct OrderJob {
    enum class Kind { follow_up, new_order } kind = Kind::follow_up;
    std::string path;
    std::string body;
    std::string idempotency_key;  // new orders
    std::string card_serial;      // follow-up orders
    bool gives_up_after_no_answer = false;
    // Sent by two connections at the same moment (a double click, a client that resends at once):
    // both must be told the same order.
    bool sent_twice_at_once = false;
    // What the client was told.
    std::optional<std::string> acknowledged_number;  // 201 or 200 with an order number
    int attempts = 0;
    int refusals = 0;                // answers 503 storage.unavailable
    std::string unexpected_answer;  // any other status, or none in the end
};

class CrashDriver {
public:
    CrashDriver(std::string database_url, std::string name) : tmp_(name) {
        dir_ = tmp_.path() / "tc";
        authority::InitOptions init;
        init.dir = dir_;
        init.database_url = std::move(database_url);
        auto config = authority::TrustCenter::create(init);
        // One test client stands for many holders: no per-client limits.
        for (auto* limit : {&config.limits.eligibility, &config.limits.status, &config.limits.drafts,
                            &config.limits.submissions, &config.limits.new_sessions}) {
            *limit = {100'000'000, 100'000'000};
        }
        config.limits.connections_per_client = config.limits.connections;
        std::ofstream(dir_ / "sigcard.toml") << config.to_toml();
        trust_center_ = std::make_unique<authority::TrustCenter>(dir_);
        orders::TermsCatalogue(trust_center_->database())
            .publish("Allgemeine Geschäftsbedingungen\n", "crash-1", unix_now() - 60, "test");
    }

    const std::filesystem::path& dir() const { return dir_; }
    // Until prepare_orders() is done.
    storage::Database& database() { return trust_center_->database(); }
    std::vector<OrderJob>& jobs() { return jobs_; }

    // `follow_ups` holders, each with a card in the register and a draft the portal made and
    // the card signed; `new_orders` applications. Every `give_up_every`-th job gives up after
    // its first attempt without an answer. Needs the portal running.
    void prepare_orders(int follow_ups, int new_orders, int give_up_every) {
        const auto now = unix_now();
        const auto t = pki::Seconds(std::chrono::seconds(now));
        std::vector<std::pair<crypto::SoftwareSigner, ossl::X509Ptr>> holders;
        for (int i = 0; i < follow_ups; ++i) {
            auto key = crypto::SoftwareSigner::generate_ec();
            pki::HolderProfile holder;
            holder.given_name = "Holder";
            holder.surname = fmt::format("Nummer {}", i);
            holder.serial_number = fmt::format("CRASH-{}", i);
            holder.country = "DE";
            auto cert = trust_center_->ca().issue_qualified(
                trust_center_->issuing_ca(), key.public_key(), holder,
                pki::Validity{t - std::chrono::days(1000), t + std::chrono::days(30)});
            cards::CardEntry card;
            card.card_serial = fmt::format("CRASH{:06}", i);
            card.token_label = card.card_serial;
            card.certificate_serial = ossl::serial_hex(cert.get());
            card.identified_at = now - 365 * 86400;
            card.produced_at = now;
            database().in_transaction([&](soci::session& s) { cards::CardRegister::add(s, card); });
            holders.emplace_back(std::move(key), std::move(cert));
        }
        http::HttpClient client = make_client();
        for (int i = 0; i < follow_ups; ++i) {
            auto& [key, cert] = holders[static_cast<std::size_t>(i)];
            const auto der = ossl::to_der(cert.get());
            nlohmann::json order = {
                {"contact", {{"email", fmt::format("holder{}@example.de", i)}, {"phone", "+49 30 1234567"}}},
                {"shipping", {{"name", fmt::format("Holder {}", i)}, {"street", "Friedrichstraße 1"},
                              {"postal_code", "10117"}, {"city", "Berlin"}, {"country", "DE"}}},
                {"declaration", {{"name_and_attributes_unchanged", true}, {"terms_accepted", true}}}};
            order["billing"] = order["shipping"];
            order["billing"]["vat_id"] = "";
            const auto draft = client.post(
                base_url() + "/api/v1/follow-up/drafts",
                nlohmann::json{{"certificate", encoding::to_base64(der.data(), der.size())},
                               {"order", order}}.dump(),
                "application/json");
            if (draft.status != 201) {
                throw std::runtime_error(fmt::format("draft refused: {} {}", draft.status, draft.body));
            }
            const auto answer = nlohmann::json::parse(draft.body);
            const auto document = answer.at("document").get<std::string>();
            const auto cms = signature::create_cades(key, cert.get(), ossl::as_bytes(document));
            OrderJob job;
            job.kind = OrderJob::Kind::follow_up;
            job.path = "/api/v1/follow-up/orders";
            job.body = nlohmann::json{{"nonce", answer.at("nonce")},
                                      {"signature_base64", encoding::to_base64(cms.data(), cms.size())}}
                           .dump();
            job.card_serial = fmt::format("CRASH{:06}", i);
            jobs_.push_back(std::move(job));
        }
        for (int i = 0; i < new_orders; ++i) {
            nlohmann::json body = valid_application();
            body["contact"]["email"] = fmt::format("applicant{}@example.org", i);
            body["revocation_password"] = "Sperre-2026!";
            OrderJob job;
            job.kind = OrderJob::Kind::new_order;
            job.path = "/api/v1/new-orders";
            job.body = body.dump();
            job.idempotency_key = fmt::format("crash-{}", i);
            jobs_.push_back(std::move(job));
        }
        // This process lets go of the database: a power cut ends every process that has it open
        // (one still holding SQLite's shared memory would keep a stale index of the log alive).
        trust_center_.reset();
        // Interleaved, so that both kinds are under way at every moment.
        std::mt19937 shuffle(4711);
        std::shuffle(jobs_.begin(), jobs_.end(), shuffle);
        for (std::size_t i = 0; i < jobs_.size(); ++i) {
            jobs_[i].gives_up_after_no_answer = give_up_every > 0 && i % static_cast<std::size_t>(give_up_every) == 0;
            jobs_[i].sent_twice_at_once = !jobs_[i].gives_up_after_no_answer && i % 7 == 3;
        }
    }

    // Starts the portal (another incarnation each call; the log of each is kept).
    void start_portal(const std::vector<std::string>& environment = {},
                      const std::function<void()>& in_child = {}) {
        std::lock_guard lock(portal_mutex_);
        const auto log = dir_ / fmt::format("portal-{}.log", incarnations_++);
        portal_ = std::make_unique<RunningProcess>(
            std::vector<std::string>{std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard-portal", "--dir",
                                     dir_.string(), "--port", "0", "--operator-port", "0",
                                     "--pki-port", "0", "--backoffice-port", "0"},
            log, environment, in_child);
        const auto port = portal_->wait_for(R"(listening on https://127\.0\.0\.1:(\d+)/)",
                                            std::chrono::seconds(60));
        base_url_ = "https://127.0.0.1:" + port;
    }

    void kill_portal() {
        std::lock_guard lock(portal_mutex_);
        portal_->kill_now();
    }

    // Whether the portal has ended by itself (a power cut kills it from inside).
    bool portal_ended() {
        std::lock_guard lock(portal_mutex_);
        return portal_->ended();
    }

    pid_t portal_pid() {
        std::lock_guard lock(portal_mutex_);
        return portal_->pid();
    }

    void stop_portal() {
        std::lock_guard lock(portal_mutex_);
        if (portal_) {
            portal_->stop();
        }
    }

    std::string base_url() {
        std::lock_guard lock(portal_mutex_);
        return base_url_;
    }

    int incarnations() const { return incarnations_; }

    // Answers 503 storage.unavailable the clients got so far.
    int storage_refusals() const { return storage_refusals_; }

    // `clients` threads send every job, each as a holder's client does: one request at a time,
    // the same body again after no answer (a broken connection, or 5xx) until it is answered —
    // or, for a job that gives up, not again. Pauses of up to `pause` between jobs keep the load
    // going for longer than the jobs would take at full speed.
    void send_all(int clients, std::chrono::milliseconds pause) {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                std::mt19937 random(static_cast<unsigned>(1000 + c));
                http::HttpClient client = make_client();
                for (std::size_t i = next++; i < jobs_.size(); i = next++) {
                    if (jobs_[i].sent_twice_at_once) {
                        send_twice_at_once(client, jobs_[i]);
                    } else {
                        send(client, jobs_[i]);
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(
                        std::uniform_int_distribution<long>(0, pause.count())(random)));
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
    }

private:
    http::HttpClient make_client() {
        http::ClientConfig config;
        config.ca_file = dir_ / "ca" / "root.pem";
        config.timeout = std::chrono::seconds(30);
        return http::HttpClient(config);
    }

    // The job from this client and from a second one at once, both connections open before
    // either sends (a new connection's TLS handshake would otherwise put one far behind).
    void send_twice_at_once(http::HttpClient& client, OrderJob& job) {
        OrderJob twin = job;
        http::HttpClient other = make_client();
        for (auto* c : {&client, &other}) {
            try {
                c->get(base_url() + "/api/v1/terms/current");  // opens the connection
            } catch (const Error&) {
            }
        }
        std::latch together(2);
        std::thread second([&] { send(other, twin, &together); });
        send(client, job, &together);
        second.join();
        job.attempts += twin.attempts;
        job.refusals += twin.refusals;
        if (job.unexpected_answer.empty()) {
            job.unexpected_answer = twin.unexpected_answer;
        }
        if (job.acknowledged_number && twin.acknowledged_number &&
            *job.acknowledged_number != *twin.acknowledged_number) {
            job.unexpected_answer = "one order sent twice at once became two: " +
                                    *job.acknowledged_number + " and " + *twin.acknowledged_number;
        }
        if (!job.acknowledged_number) {
            job.acknowledged_number = twin.acknowledged_number;
        }
    }

    // Sends until answered; a client that has had no answer for three minutes stops (the test
    // then fails: the portal did not come back). `together`: the first attempt waits for it.
    void send(http::HttpClient& client, OrderJob& job, std::latch* together = nullptr) {
        if (together != nullptr) {
            together->arrive_and_wait();
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
        for (;;) {
            ++job.attempts;
            http::Headers headers;
            if (!job.idempotency_key.empty()) {
                headers.set("Idempotency-Key", job.idempotency_key);
            }
            int status = 0;
            std::string body;
            try {
                const auto answer = client.post(base_url() + job.path, job.body, "application/json", headers);
                status = answer.status;
                body = answer.body;
            } catch (const Error&) {
                client = make_client();  // no answer: the connection broke or was refused
            }
            if (status == 200 || status == 201) {
                job.acknowledged_number = nlohmann::json::parse(body).at("order_number").get<std::string>();
                return;
            }
            if (status == 503 && body.find("storage.unavailable") != std::string::npos) {
                ++job.refusals;
                ++storage_refusals_;
            } else if (status != 0) {
                job.unexpected_answer = fmt::format("{} {}", status, body);
                return;
            }
            if (job.gives_up_after_no_answer && status == 0) {
                return;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                job.unexpected_answer = "no answer for three minutes";
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    TempDir tmp_;
    std::filesystem::path dir_;
    std::unique_ptr<authority::TrustCenter> trust_center_;
    std::vector<OrderJob> jobs_;
    std::mutex portal_mutex_;
    std::unique_ptr<RunningProcess> portal_;
    std::string base_url_;
    int incarnations_ = 0;
    std::atomic<int> storage_refusals_{0};
};

}  // namespace sigcard::testing
