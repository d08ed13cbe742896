// Requests per second of the portal's HTTP server for a trivial handler, over keep-alive
// connections on loopback, driven by the portal's own HttpClient (one client per thread).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "portal/http/http_client.hpp"
#include "portal/http/http_server.hpp"

namespace {

using sigcard::portal::HttpClient;
using sigcard::portal::HttpServer;
using sigcard::portal::Request;
using sigcard::portal::Response;
using sigcard::portal::Router;
using sigcard::portal::ServerConfig;

// One server for all runs; the default two threads, as the portal runs.
HttpServer& bench_server() {
    static const std::unique_ptr<HttpServer> server = [] {
        // The request log line goes to the console here; measure the server, not the terminal.
        spdlog::set_level(spdlog::level::warn);
        Router router;
        router.get("/ping", [](const Request&) { return Response::text("pong"); });
        router.post("/echo", [](const Request& request) { return Response::text(request.body); });
        ServerConfig config;
        config.address = "127.0.0.1";
        auto started = std::make_unique<HttpServer>(config, std::move(router));
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
    HttpClient client;
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
    HttpClient client;
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
