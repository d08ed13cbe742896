// The client runs Beast's asynchronous operations on its own io_context and waits for them:
// only asynchronous operations can be bounded by one deadline (connect, TLS, write and read).
#include "http/http_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/error.hpp"
#include "http/detail/beast.hpp"
#include "http/http_errors.hpp"
#include "http/url.hpp"

namespace sigcard::http {

namespace {

using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

enum class Stage { connect, handshake, write, read, done };

// What one attempt came to; the coroutine never throws, so the caller can decide on a retry.
struct Outcome {
    Stage stage = Stage::connect;
    beast::error_code ec;
    bool got_bytes = false;  // any part of a response arrived
    bool keep_alive = false;
    ClientResponse response;
};

bool is_ip_literal(const std::string& host) {
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// Peer verification: the chain against the trust anchors and the name (or IP) in the URL.
void configure_verification(TlsStream& stream, const std::string& host) {
    stream.set_verify_mode(ssl::verify_peer);
    X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (is_ip_literal(host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        // SNI carries host names only, never IP literals (RFC 6066 §3).
        SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
    }
}

[[noreturn]] void throw_failure(const Outcome& outcome, const Url& url) {
    const std::string detail = fmt::format("{}:{}: {}", url.host, url.port, outcome.ec.message());
    if (outcome.ec == beast::error::timeout) {
        throw Error(errors::client_timeout, detail);
    }
    if (outcome.ec == http::error::body_limit || outcome.ec == http::error::header_limit) {
        throw Error(errors::client_response_too_large, detail);
    }
    switch (outcome.stage) {
        case Stage::connect:
            throw Error(errors::client_connect_failed, detail);
        case Stage::handshake:
            throw Error(errors::client_tls_failed, detail);
        default:
            throw Error(errors::client_protocol_error, detail);
    }
}

}  // namespace

struct HttpClient::Impl {
    ClientConfig config;
    asio::io_context io;
    ssl::context tls{ssl::context::tls_client};
    tcp::resolver resolver{io};

    // The kept-alive connection, to `origin`.
    std::optional<std::tuple<bool, std::string, std::uint16_t>> origin;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<TlsStream> secure;
    beast::flat_buffer buffer;
    std::size_t opened = 0;

    explicit Impl(ClientConfig client_config) : config(std::move(client_config)) {
        SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
        try {
            if (config.ca_file) {
                tls.load_verify_file(config.ca_file->string());
            } else {
                tls.set_default_verify_paths();
            }
        } catch (const boost::system::system_error& e) {
            throw Error(errors::client_tls_failed, fmt::format("trust anchors: {}", e.what()));
        }
    }

    beast::tcp_stream& lowest_layer() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    void disconnect() {
        if (plain || secure) {
            beast::error_code ignored;
            lowest_layer().socket().close(ignored);
        }
        secure.reset();
        plain.reset();
        origin.reset();
        buffer.clear();
    }

    asio::awaitable<beast::error_code> connect(const Url& url, Clock::time_point deadline) {
        beast::error_code ec;
        auto stream = std::make_unique<beast::tcp_stream>(io);
        stream->expires_at(deadline);
        if (is_ip_literal(url.host)) {
            const tcp::endpoint endpoint(asio::ip::make_address(url.host), url.port);
            co_await stream->async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
        } else {
            const auto endpoints = co_await resolver.async_resolve(
                url.host, std::to_string(url.port), asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                co_await stream->async_connect(endpoints,
                                               asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        if (!ec) {
            ++opened;
            plain = std::move(stream);
        }
        co_return ec;
    }

    asio::awaitable<beast::error_code> handshake(const Url& url, Clock::time_point deadline) {
        secure = std::make_unique<TlsStream>(std::move(*plain), tls);
        plain.reset();
        configure_verification(*secure, url.host);
        beast::get_lowest_layer(*secure).expires_at(deadline);
        beast::error_code ec;
        co_await secure->async_handshake(ssl::stream_base::client,
                                         asio::redirect_error(asio::use_awaitable, ec));
        co_return ec;
    }

    template <class Stream>
    asio::awaitable<void> transfer(Stream& stream, http::request<http::string_body>& request,
                                   Clock::time_point deadline, Outcome& outcome) {
        beast::get_lowest_layer(stream).expires_at(deadline);
        outcome.stage = Stage::write;
        co_await http::async_write(stream, request,
                                   asio::redirect_error(asio::use_awaitable, outcome.ec));
        if (outcome.ec) {
            co_return;
        }
        outcome.stage = Stage::read;
        http::response_parser<http::string_body> parser;
        parser.body_limit(config.response_limit);
        parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
        parser.skip(request.method() == http::verb::head);
        // Header first, then body: Beast 1.74 skips the body limit check when a whole message
        // arrives in one buffer and is parsed in one go.
        co_await http::async_read_header(stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, outcome.ec));
        if (!outcome.ec && !parser.is_done()) {
            co_await http::async_read(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, outcome.ec));
        }
        outcome.got_bytes = parser.got_some();
        if (outcome.ec) {
            co_return;
        }
        auto& message = parser.get();
        outcome.response.status = static_cast<int>(message.result_int());
        for (const auto& field : message) {
            outcome.response.headers.add(std::string(field.name_string()),
                                         std::string(field.value()));
        }
        outcome.response.body = std::move(message.body());
        outcome.keep_alive = message.keep_alive() && !parser.need_eof();
        outcome.stage = Stage::done;
    }

    asio::awaitable<Outcome> attempt(const Url& url, http::request<http::string_body>& request,
                                     Clock::time_point deadline) {
        Outcome outcome;
        if (!plain && !secure) {
            outcome.ec = co_await connect(url, deadline);
            if (!outcome.ec && url.https) {
                outcome.stage = Stage::handshake;
                outcome.ec = co_await handshake(url, deadline);
            }
            if (outcome.ec) {
                co_return outcome;
            }
            origin.emplace(url.https, url.host, url.port);
        }
        if (secure) {
            co_await transfer(*secure, request, deadline, outcome);
        } else {
            co_await transfer(*plain, request, deadline, outcome);
        }
        co_return outcome;
    }

    Outcome run(const Url& url, http::request<http::string_body>& request,
                Clock::time_point deadline) {
        std::optional<Outcome> outcome;
        io.restart();
        asio::co_spawn(io, attempt(url, request, deadline),
                       [&outcome](const std::exception_ptr& failure, Outcome result) {
                           if (!failure) {
                               outcome = std::move(result);
                           }
                       });
        // The streams time out by themselves at the deadline; only a name lookup can outlast it.
        io.run_until(deadline + std::chrono::milliseconds(200));
        if (!outcome) {
            resolver.cancel();
            disconnect();
            io.run();
            Outcome late;
            late.ec = beast::error::timeout;
            return late;
        }
        return *outcome;
    }

    ClientResponse exchange(std::string_view method, std::string_view url_text, std::string body,
                            const Headers& headers) {
        const Url url = Url::parse(url_text);
        const auto deadline = Clock::now() + config.timeout;
        http::request<http::string_body> request;
        request.method_string(method);
        request.target(url.target);
        request.version(11);
        request.set(http::field::host, url.host_header());
        request.set(http::field::user_agent, config.user_agent);
        for (const auto& [name, value] : headers.fields()) {
            request.set(name, value);
        }
        request.body() = std::move(body);
        if (!request.body().empty() || method == "POST" || method == "PUT") {
            request.prepare_payload();
        }

        if (origin != std::tuple{url.https, url.host, url.port}) {
            disconnect();
        }
        const bool reused = origin.has_value();
        Outcome outcome = run(url, request, deadline);
        // A kept-alive connection the server closed meanwhile fails before any answer: the
        // request never reached a handler, so sending it once more on a new connection is safe.
        const bool stale =
            reused && outcome.ec && outcome.ec != beast::error::timeout &&
            (outcome.stage == Stage::write || (outcome.stage == Stage::read && !outcome.got_bytes));
        if (stale) {
            disconnect();
            outcome = run(url, request, deadline);
        }
        if (outcome.ec) {
            disconnect();
            throw_failure(outcome, url);
        }
        if (!outcome.keep_alive) {
            disconnect();
        }
        return std::move(outcome.response);
    }
};

HttpClient::HttpClient(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

ClientResponse HttpClient::get(std::string_view url, const Headers& headers) {
    return impl_->exchange("GET", url, {}, headers);
}

ClientResponse HttpClient::post(std::string_view url, std::string body,
                                std::string_view content_type, const Headers& headers) {
    Headers with_type = headers;
    with_type.set("Content-Type", std::string(content_type));
    return impl_->exchange("POST", url, std::move(body), with_type);
}

ClientResponse HttpClient::send(std::string_view method, std::string_view url, std::string body,
                                const Headers& headers) {
    return impl_->exchange(method, url, std::move(body), headers);
}

std::size_t HttpClient::connections_opened() const {
    return impl_->opened;
}

}  // namespace sigcard::http
