// Requests per second of the portal's HTTP server for a trivial handler, over keep-alive
// connections on loopback, driven by the portal's own HttpClient (one client per thread).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "http/http_client.hpp"
#include "http/http_server.hpp"

namespace {

namespace http = sigcard::http;

// One server for all runs; the default two threads, as the portal runs.
http::HttpServer& bench_server() {
    static const std::unique_ptr<http::HttpServer> server = [] {
        // The request log line goes to the console here; measure the server, not the terminal.
        spdlog::set_level(spdlog::level::warn);
        http::Router router;
        router.get("/ping", [](const http::Request&) { return http::Response::text("pong"); });
        router.post("/echo", [](const http::Request& request) { return http::Response::text(request.body); });
        http::ServerConfig config;
        config.address = "127.0.0.1";
        auto started = std::make_unique<http::HttpServer>(config, std::move(router));
        started->start();
        return started;
    }();
    return *server;
}

std::string bench_url(const char* path) {
    return "http://127.0.0.1:" + std::to_string(bench_server().port()) + path;
}

void BM_KeepAliveGet(benchmark::State& state) {
    const std::string url = bench_url("/ping");
    http::HttpClient client;
    for (auto _ : state) {
        auto response = client.get(url);
        if (response.status != 200) {
            state.SkipWithError("unexpected status");
            break;
        }
        benchmark::DoNotOptimize(response.body);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["connections"] = static_cast<double>(client.connections_opened());
}

void BM_KeepAlivePost1KiB(benchmark::State& state) {
    const std::string url = bench_url("/echo");
    const std::string body(1024, 'o');
    http::HttpClient client;
    for (auto _ : state) {
        auto response = client.post(url, body, "application/octet-stream");
        benchmark::DoNotOptimize(response.body);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

// Bounded: a fixed number of requests, so a run takes seconds on any machine.
BENCHMARK(BM_KeepAliveGet)->Iterations(5000)->UseRealTime();
BENCHMARK(BM_KeepAliveGet)->Iterations(2000)->Threads(4)->UseRealTime();
BENCHMARK(BM_KeepAlivePost1KiB)->Iterations(5000)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
