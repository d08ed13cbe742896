// Internal to the server (.cpp files only): what the accept loop and the connections share.
// Includes Boost.Beast, which public headers must not.
#pragma once

#include "http/detail/beast.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <map>
#include <set>
#include <thread>

#include "http/http_server.hpp"

namespace sigcard::http {

// Lets stop() reach a connection: touched only on the connection's event loop.
struct ConnectionControl {
    asio::any_io_executor executor;
    beast::tcp_stream* stream = nullptr;  // null once the connection is gone
    bool idle = false;                    // waiting for the next request
    std::string client;                   // rate_limiter.hpp's client_key of the peer
};

struct ServerState {
    ServerState(ServerConfig config, Router router);

    // False (and nothing registered) when the server or the client is at its connection cap.
    bool register_connection(const std::shared_ptr<ConnectionControl>& control);
    void unregister_connection(const std::shared_ptr<ConnectionControl>& control);
    void close_idle_connections();
    // True when every connection ended within the timeout.
    bool wait_for_connections(std::chrono::milliseconds timeout);

    ServerConfig config;
    Router router;
    RequestMetrics metrics;
    std::unique_ptr<ssl::context> tls_context;  // null: plain HTTP
    std::atomic<bool> stopping{false};

    std::mutex connections_mutex;
    std::condition_variable connections_changed;
    std::set<std::shared_ptr<ConnectionControl>> connections;
    std::map<std::string, std::size_t, std::less<>> connections_per_client;
};

// Serves one accepted connection until it closes (TLS handshake included when configured).
asio::awaitable<void> serve_connection(ServerState& server, tcp::socket socket);

}  // namespace sigcard::http
