// Server life cycle: TLS context, listening socket, accept loop, thread pool and graceful stop.
// Serving one connection is in server_connection.cpp.
#include "http/http_server.hpp"

#include <pthread.h>

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "http/detail/server_state.hpp"

namespace sigcard::http {

namespace {

std::unique_ptr<ssl::context> make_tls_context(const TlsFiles& files) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    // TLS 1.0/1.1 are deprecated (RFC 8996); BSI TR-02102-2 asks for 1.2 or newer.
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                         ssl::context::single_dh_use);
    // TLS 1.2 with forward secrecy and AEAD only (BSI TR-02102-2, Mozilla "intermediate"): no CBC
    // (Lucky 13), no RSA key exchange; TLS 1.3's suites are all AEAD. The server's order wins,
    // and no renegotiation.
    SSL_CTX_set_cipher_list(context->native_handle(),
                            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
    SSL_CTX_set_options(context->native_handle(),
                        SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    try {
        context->use_certificate_chain_file(files.certificate_chain.string());
        context->use_private_key_file(files.private_key.string(), ssl::context::pem);
    } catch (const boost::system::system_error& e) {
        throw Error(errors::server_tls_config_invalid, e.what());
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        throw Error(errors::server_tls_config_invalid, "private key does not match certificate");
    }
    return context;
}

}  // namespace

ServerState::ServerState(ServerConfig server_config, Router server_router)
    : config(std::move(server_config)), router(std::move(server_router)) {
    if (config.threads == 0) {
        config.threads = 1;
    }
    if (config.tls) {
        tls_context = make_tls_context(*config.tls);
    }
}

bool ServerState::register_connection(const std::shared_ptr<ConnectionControl>& control) {
    const std::lock_guard lock(connections_mutex);
    auto& from_client = connections_per_client[control->client];
    if (connections.size() >= config.max_connections ||
        from_client >= config.max_connections_per_client) {
        if (from_client == 0) {
            connections_per_client.erase(control->client);
        }
        return false;
    }
    ++from_client;
    connections.insert(control);
    return true;
}

void ServerState::unregister_connection(const std::shared_ptr<ConnectionControl>& control) {
    {
        const std::lock_guard lock(connections_mutex);
        if (connections.erase(control) > 0) {
            const auto it = connections_per_client.find(control->client);
            if (it != connections_per_client.end() && --it->second == 0) {
                connections_per_client.erase(it);
            }
        }
    }
    connections_changed.notify_all();
}

void ServerState::close_idle_connections() {
    const std::lock_guard lock(connections_mutex);
    for (const auto& control : connections) {
        // The connection's loop owns its stream: close it from there, never from here.
        asio::post(control->executor, [control] {
            if (control->idle && control->stream != nullptr) {
                control->stream->cancel();
            }
        });
    }
}

bool ServerState::wait_for_connections(std::chrono::milliseconds timeout) {
    std::unique_lock lock(connections_mutex);
    return connections_changed.wait_for(lock, timeout, [this] { return connections.empty(); });
}

// One event loop per server thread, each run by that thread alone, and every connection on one
// of them (round robin): a connection's handlers never run on two threads, without a strand, and
// the loops share no queue or lock. (One loop run by all threads cost a strand per connection
// and a shared, locked queue; see docs/performance.md.) The price: a handler that blocks holds up
// the other connections of its loop, not only its own; slow work belongs in a deferred answer.
// Accepting runs on a loop and thread of its own, so that such a handler never holds up new
// connections bound for the other loops.
using IoContexts = std::vector<std::unique_ptr<asio::io_context>>;
using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

IoContexts make_io_contexts(std::size_t count) {
    IoContexts loops;
    for (std::size_t i = 0; i < count; ++i) {
        loops.push_back(std::make_unique<asio::io_context>(1));  // concurrency hint: one thread
    }
    return loops;
}

struct HttpServer::Impl {
    ServerState state;
    // Declared after `state`, so destroyed first: pending coroutines hold references into it.
    IoContexts loops = make_io_contexts(state.config.threads);
    std::vector<WorkGuard> keep_running;  // a loop without connections yet must not return
    asio::io_context accept_loop_context{1};
    tcp::acceptor acceptor{accept_loop_context};
    std::size_t next_loop = 0;
    std::thread accept_thread;
    std::vector<std::thread> threads;
    std::uint16_t bound_port = 0;
    bool started = false;
    bool stopped = false;

    Impl(ServerConfig config, Router router) : state(std::move(config), std::move(router)) {}

    void listen() {
        try {
            const tcp::endpoint endpoint(asio::ip::make_address(state.config.address),
                                         state.config.port);
            acceptor.open(endpoint.protocol());
            acceptor.set_option(asio::socket_base::reuse_address(true));
            acceptor.bind(endpoint);
            acceptor.listen(asio::socket_base::max_listen_connections);
            bound_port = acceptor.local_endpoint().port();
        } catch (const boost::system::system_error& e) {
            const bool in_use = e.code() == boost::asio::error::address_in_use;
            throw Error(in_use ? errors::server_port_in_use : errors::server_bind_failed,
                        fmt::format("{}:{}: {}", state.config.address, state.config.port,
                                    e.what()));
        }
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            tcp::socket socket(*loops[next_loop]);
            next_loop = (next_loop + 1) % loops.size();
            beast::error_code ec;
            co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
                co_return;
            }
            if (ec) {
                // e.g. EMFILE: keep serving the connections we have, and try again a little
                // later instead of spinning on an error that stays until some connection ends.
                spdlog::warn("http accept failed: {}", ec.message());
                asio::steady_timer pause(co_await asio::this_coro::executor,
                                         std::chrono::milliseconds(100));
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            auto executor = socket.get_executor();
            asio::co_spawn(executor, serve_connection(state, std::move(socket)),
                           [](const std::exception_ptr& failure) {
                               if (failure) {
                                   spdlog::error("http connection ended by an exception");
                               }
                           });
        }
    }

    static void run_thread(asio::io_context& io, const char* name) {
        ::pthread_setname_np(::pthread_self(), name);  // for top and profilers
        // A handler that escaped every catch must not take the whole pool down with it.
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("http worker: {}", e.what());
            }
        }
    }
};

HttpServer::HttpServer(ServerConfig config, Router router)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router))) {}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    if (impl_->started) {
        return;
    }
    impl_->listen();
    impl_->started = true;
    asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), asio::detached);
    // Runs until stop() closes the acceptor and the accept loop ends.
    impl_->accept_thread =
        std::thread([this] { Impl::run_thread(impl_->accept_loop_context, "sigcard-accept"); });
    for (auto& loop : impl_->loops) {
        impl_->keep_running.push_back(asio::make_work_guard(*loop));
        impl_->threads.emplace_back([&loop] { Impl::run_thread(*loop, "sigcard-http"); });
    }
    spdlog::info("http server listening on {}:{} ({}, {} threads)", impl_->state.config.address,
                 impl_->bound_port, impl_->state.tls_context ? "https" : "http",
                 impl_->state.config.threads);
}

std::uint16_t HttpServer::port() const {
    return impl_->bound_port;
}

void HttpServer::stop() {
    if (!impl_->started || impl_->stopped) {
        return;
    }
    impl_->stopped = true;
    impl_->state.stopping = true;
    std::promise<void> acceptor_closed;
    asio::post(impl_->acceptor.get_executor(), [this, &acceptor_closed] {
        beast::error_code ignored;
        impl_->acceptor.close(ignored);
        acceptor_closed.set_value();
    });
    acceptor_closed.get_future().wait();
    impl_->accept_thread.join();
    impl_->state.close_idle_connections();
    if (!impl_->state.wait_for_connections(impl_->state.config.stop_timeout)) {
        spdlog::warn("http server stop: connections still busy after {} ms, cutting them",
                     impl_->state.config.stop_timeout.count());
    }
    impl_->keep_running.clear();
    for (auto& loop : impl_->loops) {
        loop->stop();
    }
    for (auto& thread : impl_->threads) {
        thread.join();
    }
    impl_->threads.clear();
    spdlog::info("http server on port {} stopped", impl_->bound_port);
}

RequestCounts HttpServer::metrics() const {
    return impl_->state.metrics.snapshot();
}

}  // namespace sigcard::http
