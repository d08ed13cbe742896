// Connection behaviour of the server: keep-alive, pipelining, concurrency, slow clients,
// rate limits and a graceful stop.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <sstream>
#include <mutex>
#include <set>
#include <thread>

#include "http/http_client.hpp"
#include "http/rate_limiter.hpp"
#include "test_server.hpp"

namespace sigcard::http {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::start_server;
using testing::url;

TEST(HttpConnection, KeepAliveServesSeveralRequestsOnOneConnection) {
    std::mutex mutex;
    std::set<std::uint16_t> client_ports;
    Router router;
    router.get("/ping", [&](const Request& request) {
        const std::lock_guard lock(mutex);
        client_ports.insert(request.remote_port);
        return Response::text("pong");
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(client.get(url(server->port(), "/ping")).body, "pong");
    }
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(client_ports.size(), 1u);
}

TEST(HttpConnection, PipelinedRequestsAreAnsweredInOrder) {
    Router router;
    router.get("/a", [](const Request&) { return Response::text("first"); });
    router.get("/b", [](const Request&) { return Response::text("second"); });
    auto server = start_server(std::move(router));
    RawConnection connection(server->port());
    connection.send(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: "
        "close\r\n\r\n");
    const auto answer = connection.receive(3s);
    const auto first = answer.find("first");
    const auto second = answer.find("second");
    ASSERT_NE(first, std::string::npos) << answer;
    ASSERT_NE(second, std::string::npos) << answer;
    EXPECT_LT(first, second);
    EXPECT_TRUE(connection.closed);
}

TEST(HttpConnection, ConcurrentClientsOnSeveralThreads) {
    Router router;
    router.post("/echo", [](const Request& request) {
        std::this_thread::sleep_for(1ms);  // keep requests overlapping
        return Response::text(request.body);
    });
    ServerConfig config;
    config.threads = 4;
    auto server = start_server(std::move(router), config);
    constexpr int threads = 8;
    constexpr int requests_each = 20;
    std::atomic<int> correct{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
        clients.emplace_back([&, t] {
            HttpClient client;
            for (int i = 0; i < requests_each; ++i) {
                const std::string body = "order-" + std::to_string(t) + "-" + std::to_string(i);
                const auto response = client.post(url(server->port(), "/echo"), body, "text/plain");
                if (response.status == 200 && response.body == body) {
                    ++correct;
                }
            }
        });
    }
    for (auto& thread : clients) {
        thread.join();
    }
    EXPECT_EQ(correct.load(), threads * requests_each);
    EXPECT_EQ(server->metrics().status_class(2),
              static_cast<std::uint64_t>(threads * requests_each));
}

// Each server thread runs its own event loop: connections must be dealt to all of them, or a
// handler that blocks would hold up every other connection although a thread is free.
TEST(HttpConnection, ConnectionsAreServedOnEveryServerThread) {
    std::mutex mutex;
    std::condition_variable both_inside;
    int inside = 0;
    std::set<std::thread::id> server_threads;
    Router router;
    router.get("/meet", [&](const Request&) {
        std::unique_lock lock(mutex);
        ++inside;
        server_threads.insert(std::this_thread::get_id());
        both_inside.notify_all();
        // Blocks its thread until the other connection's handler runs too: only possible when
        // the two connections are on different threads.
        const bool met = both_inside.wait_for(lock, 5s, [&] { return inside >= 2; });
        return Response::text(met ? "met" : "alone");
    });
    ServerConfig config;
    config.threads = 2;
    auto server = start_server(std::move(router), config);
    std::vector<std::string> answers(2);
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        clients.emplace_back(
            [&, i] { answers[i] = HttpClient().get(url(server->port(), "/meet")).body; });
    }
    for (auto& client : clients) {
        client.join();
    }
    EXPECT_EQ(answers, (std::vector<std::string>{"met", "met"}));
    EXPECT_EQ(server_threads.size(), 2U);
}

TEST(HttpConnection, SlowClientIsCutOffAfterRequestTimeout) {
    ServerConfig config;
    config.request_timeout = 300ms;
    auto server = start_server(Router{}, config);
    RawConnection connection(server->port());
    const auto started = std::chrono::steady_clock::now();
    connection.send("GET / HTTP/1.1\r\nHost: x\r\n");  // headers never end
    std::string answer;
    for (int i = 0; i < 6 && !connection.closed; ++i) {
        connection.send("X-Drip: 1\r\n");  // slowloris: a header line now and then
        answer += connection.receive(100ms);
    }
    answer += connection.receive(3s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(connection.closed);
    EXPECT_TRUE(answer.empty()) << answer;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2500ms);
}

TEST(HttpConnection, IdleKeepAliveConnectionIsClosedAfterTimeout) {
    Router router;
    router.get("/", [](const Request&) { return Response::text("hi"); });
    ServerConfig config;
    config.request_timeout = 200ms;
    auto server = start_server(std::move(router), config);
    RawConnection connection(server->port());
    connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto answer = connection.receive(2s);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK")) << answer;
    EXPECT_TRUE(connection.closed);
}

TEST(HttpConnection, RateLimiterAnswers429AfterTheBurst) {
    RateLimiter limiter(0.01, 3);  // 3 at once, then one every 100 s
    Router router;
    router.get("/status", [&](const Request& request) {
        if (!limiter.allow(request.remote_address)) {
            throw HttpError(errors::rate_limited, 429);
        }
        return Response::text("open");
    });
    auto server = start_server(std::move(router));
    HttpClient client;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(client.get(url(server->port(), "/status")).status, 200) << i;
    }
    const auto refused = client.get(url(server->port(), "/status"));
    EXPECT_EQ(refused.status, 429);
    EXPECT_NE(refused.body.find("\"code\":\"rate_limited\""), std::string::npos);
    EXPECT_NE(refused.body.find("Zu viele Anfragen"), std::string::npos);
}

TEST(HttpConnection, OneClientHoldsAtMostItsShareOfConnections) {
    Router router;
    router.get("/ping", [](const Request&) { return Response::text("pong"); });
    ServerConfig config;
    config.max_connections_per_client = 2;
    auto server = start_server(std::move(router), config);
    RawConnection first(server->port());
    RawConnection second(server->port());
    // Both served once, so both are counted before the third arrives.
    for (auto* connection : {&first, &second}) {
        connection->send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_NE(connection->receive(std::chrono::seconds(2), 1).find("HTTP/1.1 200"),
                  std::string::npos);
    }
    RawConnection third(server->port());  // one too many from 127.0.0.1: closed at once
    try {
        third.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    } catch (const std::runtime_error&) {
        // already reset by the server: refused as well
    }
    EXPECT_EQ(third.receive(std::chrono::seconds(2)), "");
    // The two open ones are served on; once one ends, a new one is let in.
    second.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(second.receive(std::chrono::seconds(2)).find("pong"), std::string::npos);
    EXPECT_TRUE(second.closed);
    std::string answer;
    for (int attempt = 0; attempt < 20 && answer.empty(); ++attempt) {
        RawConnection fourth(server->port());
        fourth.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        answer = fourth.receive(std::chrono::seconds(2));
    }
    EXPECT_NE(answer.find("pong"), std::string::npos);
}

// CPU time (user and system) a process has used so far, in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long utime = 0;
    long stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) {
            utime = std::stol(field);
        } else if (i == 15) {
            stime = std::stol(field);
        }
    }
    return utime + stime;
}

// Out of file descriptors, accept fails (EMFILE) for as long as no connection ends, and the
// waiting connection stays queued: the server pauses between tries instead of spinning, keeps
// serving the connection it has, and accepts again once descriptors are free. The server runs in
// a child process that, when told, takes every descriptor it may have and later gives some back.
TEST(HttpConnection, OutOfFileDescriptorsTheServerWaitsInsteadOfSpinningAndRecovers) {
    int to_child[2];
    int from_child[2];
    ASSERT_EQ(::pipe(to_child), 0);
    ASSERT_EQ(::pipe(from_child), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(to_child[1]);
        ::close(from_child[0]);
        Router router;
        router.get("/ping", [](const Request&) { return Response::text("pong"); });
        ServerConfig config;
        config.threads = 1;
        auto server = start_server(std::move(router), config);
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = 512;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        const std::uint16_t port = server->port();
        bool ok = ::write(from_child[1], &port, sizeof port) == sizeof port;
        std::vector<int> taken;
        for (char command = 0; ok && ::read(to_child[0], &command, 1) == 1;) {
            if (command == 'f') {  // fill: every descriptor below the limit
                for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) {
                    taken.push_back(fd);
                }
            } else if (command == 'r') {  // release some
                for (int i = 0; i < 16 && !taken.empty(); ++i) {
                    ::close(taken.back());
                    taken.pop_back();
                }
            }
            ok = ::write(from_child[1], &command, 1) == 1;
        }
        ::_exit(0);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    auto tell = [&](char command) {
        char ack = 0;
        ASSERT_EQ(::write(to_child[1], &command, 1), 1);
        ASSERT_EQ(::read(from_child[0], &ack, 1), 1);
    };
    std::uint16_t port = 0;
    ASSERT_EQ(::read(from_child[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));

    RawConnection first(port);
    first.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(first.receive(2s, 1).find("pong"), std::string::npos);
    tell('f');
    std::vector<std::unique_ptr<RawConnection>> waiting;
    for (int i = 0; i < 4; ++i) {
        waiting.push_back(std::make_unique<RawConnection>(port));  // queued: accept fails
    }
    std::this_thread::sleep_for(300ms);
    const long before = cpu_ticks(child);
    std::this_thread::sleep_for(2s);
    const long used = cpu_ticks(child) - before;
    const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    EXPECT_LT(used, ticks_per_second / 2) << "the server used " << used << " of "
                                          << 2 * ticks_per_second << " ticks in 2 s: spinning";
    // The connection it has is still served, and nobody waiting was let in.
    first.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(first.receive(2s, 1).find("pong"), std::string::npos);
    waiting.front()->send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(waiting.front()->receive(500ms), "");
    // Descriptors free again: the waiting client is served.
    tell('r');
    EXPECT_NE(waiting.front()->receive(3s, 1).find("pong"), std::string::npos);
    ::close(to_child[1]);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(from_child[0]);
}

TEST(RateLimiter, RefillsAtItsRateAndKeepsClientsApart) {
    RateLimiter limiter(2.0, 2);  // two per second, burst two
    const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0));
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0));
    EXPECT_FALSE(limiter.allow("192.0.2.1", t0));
    EXPECT_TRUE(limiter.allow("192.0.2.2", t0)) << "another address has its own bucket";
    EXPECT_FALSE(limiter.allow("192.0.2.1", t0 + 400ms));
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0 + 500ms));
    EXPECT_FALSE(limiter.allow("192.0.2.1", t0 + 500ms));
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0 + 10s));
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0 + 10s));
    EXPECT_FALSE(limiter.allow("192.0.2.1", t0 + 10s)) << "never more than the burst";
}

TEST(RateLimiter, ForgetsIdleClientsWhenFull) {
    RateLimiter limiter(1.0, 1, 2);
    const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    EXPECT_TRUE(limiter.allow("192.0.2.1", t0));
    EXPECT_TRUE(limiter.allow("192.0.2.2", t0));
    EXPECT_TRUE(limiter.allow("192.0.2.3", t0 + 5s));  // room made from the idle, full buckets
    EXPECT_LE(limiter.tracked_clients(), 2u);
}

TEST(RateLimiter, AFloodFromManyAddressesNeverRefillsADrainedClient) {
    RateLimiter limiter(0.001, 3, 10);
    const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limiter.allow("198.51.100.7", t0));
    }
    EXPECT_FALSE(limiter.allow("198.51.100.7", t0));
    // Fifty other addresses fill the table again and again.
    for (int i = 0; i < 50; ++i) {
        limiter.allow(fmt::format("203.0.113.{}", i), t0 + std::chrono::milliseconds(i));
        EXPECT_LE(limiter.tracked_clients(), 10u);
    }
    EXPECT_FALSE(limiter.allow("198.51.100.7", t0 + 1s)) << "the drained bucket was forgotten";
}

TEST(RateLimiter, AnIpv6ClientIsItsSlash64) {
    RateLimiter limiter(0.001, 2);
    const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    EXPECT_TRUE(limiter.allow("2001:db8:1:2::1", t0));
    EXPECT_TRUE(limiter.allow("2001:db8:1:2:ffff:0:0:5", t0));
    EXPECT_FALSE(limiter.allow("2001:db8:1:2::abcd", t0)) << "a new address in the same /64";
    EXPECT_TRUE(limiter.allow("2001:db8:1:3::1", t0));  // the next /64 is another client
    EXPECT_EQ(client_key("::ffff:192.0.2.9"), "192.0.2.9");
    EXPECT_EQ(client_key("192.0.2.9"), "192.0.2.9");
    EXPECT_EQ(client_key("2001:DB8:1:2::1"), client_key("2001:db8:1:2:0:0:0:99"));
}

TEST(HttpConnection, GracefulStopFinishesRunningRequestAndClosesPort) {
    std::atomic<bool> handler_started{false};
    Router router;
    router.get("/slow", [&](const Request&) {
        handler_started = true;
        std::this_thread::sleep_for(300ms);
        return Response::text("done");
    });
    auto server = start_server(std::move(router));
    const auto port = server->port();
    RawConnection idle(port);  // an idle keep-alive connection must not hold the stop up

    ClientResponse slow;
    std::thread request([&] {
        HttpClient client;
        slow = client.get(url(port, "/slow"));
    });
    for (int i = 0; i < 200 && !handler_started; ++i) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(handler_started);
    const auto stop_started = std::chrono::steady_clock::now();
    server->stop();
    const auto stop_took = std::chrono::steady_clock::now() - stop_started;
    request.join();
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(slow.body, "done");
    EXPECT_EQ(slow.headers.get("Connection"), "close");
    EXPECT_LT(stop_took, 2s);
    idle.receive(500ms);
    EXPECT_TRUE(idle.closed);
    EXPECT_THROW(RawConnection{port}, std::runtime_error) << "port must be closed";
    HttpClient late;
    try {
        late.get(url(port, "/slow"));
        FAIL() << "server still answers";
    } catch (const Error& e) {
        EXPECT_EQ(e.id(), "http_client.connect_failed");
    }
}

}  // namespace
}  // namespace sigcard::http
