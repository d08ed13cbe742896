// Bytes as they arrive on a connection to the portal: parsed by Beast with the server's limits,
// refused as the server refuses (400, 413, 431, 501), turned into a Request (path, headers,
// query parameters) by the server's own code (http/detail/request_reading.hpp).
#include "fuzz_support.hpp"

#include "http/detail/request_reading.hpp"
#include "http/http_server.hpp"

using namespace sigcard;
using namespace sigcard::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ServerConfig server;
    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(server.header_limit));
    parser.body_limit(server.body_limit);
    parser.eager(true);
    beast::error_code ec;
    asio::const_buffer rest(data, size);
    while (rest.size() > 0 && !parser.is_done()) {
        const auto used = parser.put(rest, ec);
        if (ec == beast::http::error::need_more) {
            ec = {};
            break;
        }
        if (ec) {
            break;
        }
        rest += used;
        if (parser.is_header_done() && !acceptable_transfer_coding(parser.get())) {
            return 0;  // 501
        }
    }
    if (ec) {
        refusal_for(ec);
        return 0;
    }
    if (parser.is_done()) {
        fuzz::refused_or_done([&] {
            const auto request = make_request(parser, Peer{"127.0.0.1", 40000}, true);
            (void)request.headers.get("Content-Type");
        });
    }
    return 0;
}
