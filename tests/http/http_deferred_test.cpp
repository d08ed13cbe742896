// Deferred responses against a real server: answers given later from other threads, a server
// thread that stays free meanwhile, failures mapped like thrown ones, lost promises, keep-alive
// and a graceful stop.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/http_client.hpp"
#include "test_server.hpp"

namespace sigcard::http {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::start_server;
using testing::TempDir;
using testing::url;

const ErrorCode terms_outdated{"order.terms_outdated", "Die AGB haben sich geändert.",
                               "The terms have changed."};

nlohmann::json error_of(const ClientResponse& response) {
    return nlohmann::json::parse(response.body).at("error");
}

// Stands in for the slow work a handler waits for (e.g. a group commit): runs jobs on its own
// thread after a delay, in the order given.
class LaterWork {
public:
    LaterWork() : thread_([this] { run(); }) {}
    ~LaterWork() {
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    LaterWork(const LaterWork&) = delete;
    LaterWork& operator=(const LaterWork&) = delete;

    void after(std::chrono::milliseconds delay, std::function<void()> job) {
        {
            const std::lock_guard lock(mutex_);
            jobs_.push_back({std::chrono::steady_clock::now() + delay, std::move(job)});
        }
        changed_.notify_all();
    }

private:
    struct Job {
        std::chrono::steady_clock::time_point due;
        std::function<void()> run;
    };

    void run() {
        std::unique_lock lock(mutex_);
        while (!done_ || !jobs_.empty()) {
            if (jobs_.empty()) {
                changed_.wait(lock);
                continue;
            }
            if (changed_.wait_until(lock, jobs_.front().due) == std::cv_status::no_timeout) {
                continue;  // woken early: look again
            }
            Job job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            job.run();
            job.run = nullptr;  // drop captured promises outside the lock too
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    bool done_ = false;
    std::deque<Job> jobs_;
    std::thread thread_;  // last: starts when the rest is ready
};

// Promises that handlers hand to the test, which settles them when it likes.
class HeldPromises {
public:
    void hold(std::shared_ptr<ResponsePromise> promise) {
        {
            const std::lock_guard lock(mutex_);
            promises_.push_back(std::move(promise));
        }
        arrived_.notify_all();
    }
    // The next promise a handler held, or null if none came within a few seconds.
    std::shared_ptr<ResponsePromise> next() {
        std::unique_lock lock(mutex_);
        if (!arrived_.wait_for(lock, 5s, [this] { return !promises_.empty(); })) {
            return nullptr;
        }
        auto promise = std::move(promises_.front());
        promises_.pop_front();
        return promise;
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<std::shared_ptr<ResponsePromise>> promises_;
};

// A deferred /order that LaterWork fulfils after 50 ms with a 201, a header and a JSON body.
Router order_router(LaterWork& work) {
    Router router;
    router.post("/order", [&work](const Request& request) {
        auto [response, promise] = Response::deferred();
        work.after(50ms, [promise = promise, body = request.body] {
            Response created = Response::json({{"stored", body}}, 201);
            created.headers.set("Location", "/order/42");
            promise->fulfil(std::move(created));
        });
        return response;
    });
    return router;
}

void expect_order_created(const ClientResponse& response, bool tls) {
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.content_type(), "application/json");
    EXPECT_EQ(nlohmann::json::parse(response.body).at("stored"), "Erika");
    EXPECT_EQ(response.headers.get("Location"), "/order/42");
    EXPECT_EQ(response.headers.get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
    EXPECT_TRUE(response.headers.get("Content-Security-Policy").starts_with("default-src 'self'"));
    EXPECT_EQ(response.headers.contains("Strict-Transport-Security"), tls);
}

TEST(HttpDeferred, FulfilledFromAnotherThreadLaterArrivesWithHeaders) {
    LaterWork work;
    auto server = start_server(order_router(work));
    HttpClient client;
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.post(url(server->port(), "/order"), "Erika", "text/plain");
    EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
    expect_order_created(response, false);
    EXPECT_EQ(server->metrics().status_class(2), 1u);
}

TEST(HttpDeferred, FulfilledLaterOverTls) {
    LaterWork work;
    TempDir dir;
    ServerConfig config;
    config.tls = testing::make_self_signed_certificate(dir.path());
    auto server = start_server(order_router(work), config);
    ClientConfig client_config;
    client_config.ca_file = config.tls->certificate_chain;
    HttpClient client(client_config);
    const auto response = client.post(url(server->port(), "/order", true), "Erika", "text/plain");
    expect_order_created(response, true);
}

TEST(HttpDeferred, HeadGetsTheLengthWithoutTheBody) {
    LaterWork work;
    Router router;
    router.get("/terms", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(10ms, [promise = promise] { promise->fulfil(Response::html("<p>AGB</p>")); });
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.send("HEAD", url(server->port(), "/terms"), {}, {});
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.headers.get("Content-Length"), "10");
    EXPECT_TRUE(response.body.empty());
}

TEST(HttpDeferred, WaitingAnswerLeavesTheOnlyServerThreadFree) {
    HeldPromises held;
    Router router;
    router.get("/wait", [&held](const Request&) {
        auto [response, promise] = Response::deferred();
        held.hold(std::move(promise));
        return response;
    });
    router.get("/quick", [](const Request&) { return Response::text("quick"); });
    ServerConfig config;
    config.threads = 1;
    auto server = start_server(std::move(router), config);

    ClientResponse waited;
    std::atomic<bool> answered{false};
    std::thread waiting([&] {
        HttpClient client;
        waited = client.get(url(server->port(), "/wait"));
        answered = true;
    });
    const auto promise = held.next();
    ASSERT_NE(promise, nullptr);
    HttpClient other;  // its own connection
    const auto quick = other.get(url(server->port(), "/quick"));
    EXPECT_EQ(quick.status, 200);
    EXPECT_EQ(quick.body, "quick");
    EXPECT_FALSE(answered) << "answered before fulfil()";

    promise->fulfil(Response::text("finally"));
    waiting.join();
    EXPECT_EQ(waited.status, 200);
    EXPECT_EQ(waited.body, "finally");
}

TEST(HttpDeferred, FailWithErrorGetsMappedStatusAndCode) {
    LaterWork work;
    Router router;
    router.post("/orders", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(10ms, [promise = promise] {
            promise->fail(std::make_exception_ptr(Error(terms_outdated, "v3 != v4")));
        });
        return response;
    });
    router.post("/orders/urgent", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(10ms, [promise = promise] {
            promise->fail(std::make_exception_ptr(HttpError(terms_outdated, 422)));
        });
        return response;
    });
    ServerConfig config;
    config.error_statuses.set("order.", 409);
    auto server = start_server(std::move(router), config);
    HttpClient client;

    const auto refused = client.post(url(server->port(), "/orders"), "{}", "application/json");
    EXPECT_EQ(refused.status, 409);
    const auto error = error_of(refused);
    EXPECT_EQ(error.at("code"), "order.terms_outdated");
    EXPECT_EQ(error.at("message").at("de"), "Die AGB haben sich geändert.");
    EXPECT_EQ(refused.body.find("v3 != v4"), std::string::npos) << "detail must stay in the log";
    EXPECT_EQ(refused.headers.get("X-Content-Type-Options"), "nosniff");

    const auto urgent =
        client.post(url(server->port(), "/orders/urgent"), "{}", "application/json");
    EXPECT_EQ(urgent.status, 422);
    EXPECT_EQ(error_of(urgent).at("code"), "order.terms_outdated");
}

TEST(HttpDeferred, FailWithOtherExceptionIs500WithoutDetail) {
    LaterWork work;
    Router router;
    router.get("/boom", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(10ms, [promise = promise] {
            promise->fail(std::make_exception_ptr(
                std::runtime_error("SELECT * FROM holders WHERE name='Erika Mustermann'")));
        });
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.get(url(server->port(), "/boom"));
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(error_of(response).at("code"), "internal");
    EXPECT_EQ(response.body.find("Mustermann"), std::string::npos);
    EXPECT_EQ(server->metrics().status_class(5), 1u);
}

TEST(HttpDeferred, DroppedPromiseIs500Internal) {
    LaterWork work;
    Router router;
    router.get("/dropped-later", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(20ms, [promise = promise] {});  // the work ends without settling it
        return response;
    });
    router.get("/dropped-at-once", [](const Request&) { return Response::deferred().response; });
    auto server = start_server(std::move(router));
    HttpClient client;
    for (const char* path : {"/dropped-later", "/dropped-at-once"}) {
        const auto response = client.get(url(server->port(), path));
        EXPECT_EQ(response.status, 500) << path;
        EXPECT_EQ(error_of(response).at("code"), "internal") << path;
    }
    EXPECT_EQ(client.connections_opened(), 1u) << "a lost promise does not cost the connection";
}

TEST(HttpDeferred, KeepAliveServesDeferredAnswersInARow) {
    LaterWork work;
    Router router;
    router.get("/next", [&work](const Request& request) {
        auto [response, promise] = Response::deferred();
        work.after(20ms, [promise = promise, n = std::string(request.query.find("n").value_or("?"))] {
            promise->fulfil(Response::text("answer " + n));
        });
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    EXPECT_EQ(client.get(url(server->port(), "/next?n=1")).body, "answer 1");
    EXPECT_EQ(client.get(url(server->port(), "/next?n=2")).body, "answer 2");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server->metrics().status_class(2), 2u);
}

TEST(HttpDeferred, FulfilledBeforeTheHandlerReturns) {
    LaterWork work;
    Router router;
    router.get("/early", [](const Request&) {
        auto [response, promise] = Response::deferred();
        promise->fulfil(Response::text("early"));
        return response;
    });
    // Settled on another thread while the handler returns: whichever comes first must work.
    router.get("/racing", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(0ms, [promise = promise] { promise->fulfil(Response::text("raced")); });
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    EXPECT_EQ(client.get(url(server->port(), "/early")).body, "early");
    for (int i = 0; i < 200; ++i) {
        const auto response = client.get(url(server->port(), "/racing"));
        ASSERT_EQ(response.status, 200) << i;
        ASSERT_EQ(response.body, "raced") << i;
    }
}

TEST(HttpDeferred, OnlyTheFirstSettlementCounts) {
    LaterWork work;
    Router router;
    router.get("/twice", [&work](const Request&) {
        auto [response, promise] = Response::deferred();
        work.after(10ms, [promise = promise] {
            promise->fulfil(Response::text("first"));
            promise->fulfil(Response::text("second"));
            promise->fail(std::make_exception_ptr(std::runtime_error("late")));
        });
        return response;
    });
    router.get("/failed-then-fulfilled", [](const Request&) {
        auto [response, promise] = Response::deferred();
        promise->fail(std::make_exception_ptr(HttpError(terms_outdated, 409)));
        promise->fulfil(Response::text("too late"));
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    EXPECT_EQ(client.get(url(server->port(), "/twice")).body, "first");
    EXPECT_EQ(client.get(url(server->port(), "/failed-then-fulfilled")).status, 409);
}

TEST(HttpDeferred, FulfilledWithItselfIs500InsteadOfHanging) {
    Router router;
    router.get("/loop", [](const Request&) {
        auto [response, promise] = Response::deferred();
        promise->fulfil(response);
        return response;
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    const auto response = client.get(url(server->port(), "/loop"));
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(error_of(response).at("code"), "internal");
}

TEST(HttpDeferred, GracefulStopWaitsForAPendingAnswer) {
    HeldPromises held;
    Router router;
    router.get("/slow", [&held](const Request&) {
        auto [response, promise] = Response::deferred();
        held.hold(std::move(promise));
        return response;
    });
    auto server = start_server(std::move(router));
    ClientResponse slow;
    std::thread request([&] {
        HttpClient client;
        slow = client.get(url(server->port(), "/slow"));
    });
    auto promise = held.next();
    ASSERT_NE(promise, nullptr);
    std::thread fulfil([promise = std::move(promise)] {
        std::this_thread::sleep_for(200ms);
        promise->fulfil(Response::text("done"));
    });
    const auto stop_started = std::chrono::steady_clock::now();
    server->stop();
    const auto stop_took = std::chrono::steady_clock::now() - stop_started;
    fulfil.join();
    request.join();
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(slow.body, "done");
    EXPECT_EQ(slow.headers.get("Connection"), "close");
    EXPECT_GE(stop_took, 150ms);
    EXPECT_LT(stop_took, 2s);
}

TEST(HttpDeferred, PromiseOutlivingItsServerIsHarmless) {
    HeldPromises held;
    Router router;
    router.get("/never", [&held](const Request&) {
        auto [response, promise] = Response::deferred();
        held.hold(std::move(promise));
        return response;
    });
    ServerConfig config;
    config.stop_timeout = 100ms;
    auto server = start_server(std::move(router), config);
    RawConnection connection(server->port());
    connection.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto promise = held.next();
    ASSERT_NE(promise, nullptr);
    server.reset();  // gives up on the request after stop_timeout
    EXPECT_TRUE(connection.receive(1s).empty());
    EXPECT_TRUE(connection.closed);
    promise->fulfil(Response::text("nobody listens"));  // dropped, no crash
}

}  // namespace
}  // namespace sigcard::http
