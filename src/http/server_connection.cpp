// One connection of the server: TLS handshake, the keep-alive loop of read → route → write
// (waiting for deferred answers without holding a thread), refusals of broken or oversized
// requests, and the request log line.
#include <spdlog/spdlog.h>

#include <optional>
#include <variant>

#include "http/detail/pending_answer.hpp"
#include "http/detail/request_reading.hpp"
#include "http/detail/server_state.hpp"
#include "http/rate_limiter.hpp"

namespace sigcard::http {

namespace {

using Clock = std::chrono::steady_clock;

Peer peer_of(const tcp::socket& socket) {
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return {};
    }
    auto address = endpoint.address();
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; rate limits want one key.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return {address.to_string(), endpoint.port()};
}

// Paths go to the log; keep a line a line even if a client sends odd bytes.
std::string loggable_path(std::string_view path) {
    constexpr std::size_t max_length = 160;
    std::string out;
    for (const char c : path.substr(0, max_length)) {
        out.push_back(c > 0x20 && c < 0x7f ? c : '?');
    }
    if (path.size() > max_length) {
        out += "…";
    }
    return out;
}

void log_request(std::string_view method, std::string_view path, int status, std::size_t bytes,
                 Clock::time_point started) {
    const std::chrono::duration<double, std::milli> took = Clock::now() - started;
    // Never the query string, the body or header values: they may carry personal data.
    spdlog::info("http {} {} {} {}B {:.1f}ms", method.empty() ? "-" : method,
                 path.empty() ? "-" : loggable_path(path), status, bytes, took.count());
}

// How a handler's failure is answered, whether it threw or failed its deferred response: the
// JSON error answer, with the detail only in the log.
Response failure_answer(const ServerState& server, std::string_view path,
                        const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const HttpError& e) {
        spdlog::info("http refused {}: {} {}", loggable_path(path), e.id(), e.detail());
        return Response::error(e.code(), e.status());
    } catch (const Error& e) {
        spdlog::info("http refused {}: {} {}", loggable_path(path), e.id(), e.detail());
        return Response::error(e.code(), server.config.error_statuses.status_for(e.id()));
    } catch (const std::exception& e) {
        spdlog::error("http handler failed on {}: {}", loggable_path(path), e.what());
        return Response::error(errors::internal, 500);
    } catch (...) {
        spdlog::error("http handler failed on {}: unknown exception", loggable_path(path));
        return Response::error(errors::internal, 500);
    }
}

// Runs the route; turns every exception into the JSON error answer. The answer may be deferred.
Response answer(const ServerState& server, RequestParser& parser, const Peer& peer, bool tls,
                std::string& path_for_log) {
    try {
        Request request = make_request(parser, peer, tls);
        path_for_log = request.path;
        if (!request.path.starts_with('/')) {
            // Absolute-form or '*' targets: we are no proxy.
            throw HttpError(errors::bad_request, 400, "request target is not a path");
        }
        return server.router.dispatch(request);
    } catch (...) {
        return failure_answer(server, path_for_log, std::current_exception());
    }
}

// Where a deferred answer arrives: set on the connection's event loop, which also runs the waiting
// coroutine, so the two never race. The timer never expires; cancelling it wakes the waiter.
struct DeferredArrival {
    explicit DeferredArrival(const asio::any_io_executor& executor) : wake_up(executor) {
        wake_up.expires_at(asio::steady_timer::time_point::max());
    }
    std::optional<detail::Outcome> outcome;
    asio::steady_timer wake_up;
};

// Keeps the promise's delivery to this connection for exactly as long as the connection waits:
// once its coroutine is gone (answered, or destroyed at shutdown), a late answer is dropped
// instead of posted to an event loop that may no longer exist.
class DeferredWait {
public:
    DeferredWait(detail::PendingAnswer& pending, detail::PendingAnswer::Delivery deliver)
        : pending_(pending), waiting_(pending.await(std::move(deliver))) {}
    ~DeferredWait() {
        if (waiting_) {
            pending_.forget_waiter();
        }
    }
    DeferredWait(const DeferredWait&) = delete;
    DeferredWait& operator=(const DeferredWait&) = delete;

private:
    detail::PendingAnswer& pending_;
    bool waiting_;
};

// Waits, without holding the thread, until the handler's promise is settled (from any thread)
// and turns the outcome into the answer to send.
asio::awaitable<Response> settled_answer(const ServerState& server, std::string_view path,
                                         Response deferred) {
    const auto pending = std::move(deferred.pending);
    const auto executor = co_await asio::this_coro::executor;
    const auto arrival = std::make_shared<DeferredArrival>(executor);
    const DeferredWait wait(*pending, [executor, arrival](detail::Outcome outcome) {
        asio::post(executor, [arrival, outcome = std::move(outcome)]() mutable {
            arrival->outcome = std::move(outcome);
            arrival->wake_up.cancel();
        });
    });
    while (!arrival->outcome) {
        beast::error_code ec;  // operation_aborted: the outcome is there
        co_await arrival->wake_up.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (auto* failure = std::get_if<std::exception_ptr>(&*arrival->outcome)) {
        co_return failure_answer(server, path, *failure);
    }
    co_return std::get<Response>(std::move(*arrival->outcome));
}

http::response<http::string_body> to_message(const ServerState& server, Response&& response,
                                             unsigned version, bool keep_alive, bool tls,
                                             bool head) {
    http::response<http::string_body> message;
    message.version(version);
    message.result(static_cast<unsigned>(response.status));
    server.config.security_headers.apply(response.headers, tls);
    for (const auto& [name, value] : response.headers.fields()) {
        message.insert(name, value);
    }
    if (!response.content_type.empty()) {
        message.set(http::field::content_type, response.content_type);
    }
    message.body() = std::move(response.body);
    message.keep_alive(keep_alive);
    message.prepare_payload();
    if (head) {
        message.body().clear();  // Content-Length still tells the size of the GET answer
    }
    return message;
}

template <class Stream>
asio::awaitable<beast::error_code> write_message(const ServerState& server, Stream& stream,
                                                 http::response<http::string_body>& message) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(server.config.write_timeout);
    co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

// After refusing a request whose body may still be on its way, read and drop it for a moment
// before closing: closing with unread data sends RST, and the client may lose our answer.
template <class Stream>
asio::awaitable<void> linger_close(Stream& stream) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    beast::error_code ec;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    tcp_stream.expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> sink{};
    constexpr std::size_t max_drained = 64 * 1024 * 1024;
    for (std::size_t drained = 0; !ec && drained < max_drained;) {
        drained += co_await tcp_stream.async_read_some(
            asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    }
}

template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream) {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
        // close_notify, but don't wait long for the client's: many never send one.
        beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(250));
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
}

template <class Stream>
asio::awaitable<void> refuse(ServerState& server, Stream& stream, const ErrorCode& code, int status,
                             RequestParser& parser, bool tls, Clock::time_point started) {
    const bool header_read = parser.is_header_done();
    Response response = Response::error(code, status);
    const std::size_t bytes = response.body.size();
    auto message = to_message(server, std::move(response), 11, false, tls, false);
    server.metrics.record(status);
    co_await write_message(server, stream, message);
    log_request(header_read ? std::string_view(parser.get().method_string()) : "",
                header_read ? parser.get().target().substr(0, parser.get().target().find('?')) : "",
                status, bytes, started);
    co_await linger_close(stream);
}

// Keeps a connection known to stop() for exactly as long as its coroutine lives (however it
// ends: return, exception, or destruction of the frame at shutdown).
class ConnectionRegistration {
public:
    ConnectionRegistration(ServerState& server, std::shared_ptr<ConnectionControl> control)
        : server_(server),
          control_(std::move(control)),
          admitted_(server_.register_connection(control_)) {}
    ~ConnectionRegistration() {
        control_->stream = nullptr;
        if (admitted_) {
            server_.unregister_connection(control_);
        }
    }
    bool admitted() const { return admitted_; }
    ConnectionRegistration(const ConnectionRegistration&) = delete;
    ConnectionRegistration& operator=(const ConnectionRegistration&) = delete;

private:
    ServerState& server_;
    std::shared_ptr<ConnectionControl> control_;
    bool admitted_;
};

template <class Stream>
asio::awaitable<void> serve_requests(ServerState& server, Stream& stream,
                                     ConnectionControl& control, const Peer& peer, bool tls) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    while (!server.stopping) {
        RequestParser parser;
        parser.header_limit(static_cast<std::uint32_t>(server.config.header_limit));
        parser.body_limit(server.config.body_limit);
        tcp_stream.expires_after(server.config.request_timeout);

        beast::error_code ec;
        control.idle = buffer.size() == 0;
        // Header first, then body: Beast 1.74 skips the body limit check when a whole message
        // arrives in one buffer and is parsed in one go. Also needed for 100-continue.
        co_await http::async_read_header(stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
        control.idle = false;
        const auto started = Clock::now();
        if (!ec) {
            const std::string_view target = parser.get().target();
            for (const auto& [prefix, limit] : server.config.larger_bodies) {
                if (target.starts_with(prefix)) {
                    parser.body_limit(limit);
                }
            }
        }
        if (!ec && !acceptable_transfer_coding(parser.get())) {
            co_await refuse(server, stream, errors::unsupported_transfer, 501, parser, tls,
                            started);
            co_return;
        }
        if (!ec && beast::iequals(parser.get()[http::field::expect], "100-continue") &&
            !parser.is_done()) {
            // curl and others wait for this before sending a larger body.
            http::response<http::empty_body> go_on{http::status::continue_, 11};
            co_await http::async_write(stream, go_on,
                                       asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!ec && !parser.is_done()) {
            co_await http::async_read(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec) {
            if (const auto refusal = refusal_for(ec)) {
                co_await refuse(server, stream, *refusal->first, refusal->second, parser, tls,
                                started);
            }
            co_return;
        }

        const auto& head = parser.get();
        const bool is_head = head.method() == http::verb::head;
        const bool client_keeps_alive = head.keep_alive();
        const unsigned version = head.version();
        std::string method(head.method_string());
        std::string path;
        Response response = answer(server, parser, peer, tls, path);
        while (response.is_deferred()) {  // a promise may be fulfilled with a deferred answer
            response = co_await settled_answer(server, path, std::move(response));
        }
        // Checked after the handler: a stop() that began meanwhile closes this connection.
        const bool keep_alive = client_keeps_alive && !server.stopping;
        const int status = response.status;
        const std::size_t bytes = response.body.size();
        auto message = to_message(server, std::move(response), version, keep_alive, tls, is_head);
        // Counted before the write: once the client has the answer, /metrics already shows it.
        server.metrics.record(status);
        ec = co_await write_message(server, stream, message);
        log_request(method, path, status, bytes, started);
        if (ec || !keep_alive) {
            break;
        }
    }
    co_await close_gracefully(stream);
}

}  // namespace

asio::awaitable<void> serve_connection(ServerState& server, tcp::socket socket) {
    const Peer peer = peer_of(socket);
    auto control = std::make_shared<ConnectionControl>();
    control->executor = socket.get_executor();
    control->client = client_key(peer.address);
    const ConnectionRegistration registration(server, control);
    if (!registration.admitted()) {
        spdlog::info("http connection from {} refused: connection cap", peer.address);
        co_return;  // the socket closes here
    }
    if (server.stopping) {
        co_return;
    }

    beast::tcp_stream tcp_stream(std::move(socket));
    if (!server.tls_context) {
        control->stream = &tcp_stream;
        co_await serve_requests(server, tcp_stream, *control, peer, false);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), *server.tls_context);
    control->stream = &beast::get_lowest_layer(tls_stream);
    beast::get_lowest_layer(tls_stream).expires_after(server.config.request_timeout);
    beast::error_code ec;
    co_await tls_stream.async_handshake(ssl::stream_base::server,
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        spdlog::debug("http tls handshake with {} failed: {}", peer.address, ec.message());
        co_return;
    }
    co_await serve_requests(server, tls_stream, *control, peer, true);
}

}  // namespace sigcard::http
