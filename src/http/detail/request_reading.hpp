// Internal: how the server turns what the parser read into a Request, and which protocol faults
// it answers. Apart from the connection loop so that the fuzz target (fuzz/http_request_head.cpp)
// runs the same code on bytes that never came from a socket.
#pragma once

#include "http/detail/beast.hpp"
#include "http/request.hpp"

#include "common/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace sigcard::http {

using RequestParser = http::request_parser<http::string_body>;

struct Peer {
    std::string address;
    std::uint16_t port = 0;
};

// The protocol failures we answer before closing (the error and its status); others (EOF, reset,
// timeout) just close.
std::optional<std::pair<const ErrorCode*, int>> refusal_for(const beast::error_code& ec);

// The one transfer coding a request may use is chunked, alone (RFC 9112 6.1): "gzip, chunked",
// "chunked, chunked" or a second field would be read differently by a proxy.
bool acceptable_transfer_coding(const http::request_header<>& header);

// The parsed message as a Request (body moved out). Throws HttpError (400) for a query that is
// not valid percent-encoding.
Request make_request(RequestParser& parser, const Peer& peer, bool tls);

}  // namespace sigcard::http
