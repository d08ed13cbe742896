// How the server reads a request (detail/request_reading.hpp).
#include "http/detail/request_reading.hpp"

#include "http/http_errors.hpp"

namespace sigcard::http {

std::optional<std::pair<const ErrorCode*, int>> refusal_for(const beast::error_code& ec) {
    if (ec == http::error::body_limit) {
        return std::pair{&errors::body_too_large, 413};
    }
    if (ec == http::error::header_limit) {
        return std::pair{&errors::headers_too_large, 431};
    }
    // Every other parser error (bad method, target, version, field, chunk …) is a broken request.
    const beast::error_code end_of_stream = http::error::end_of_stream;
    if (ec.category() == end_of_stream.category() && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
        return std::pair{&errors::bad_request, 400};
    }
    return std::nullopt;
}

Request make_request(RequestParser& parser, const Peer& peer, bool tls) {
    auto& message = parser.get();
    Request request;
    request.method = std::string(message.method_string());
    const std::string_view target = message.target();
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    for (const auto& field : message) {
        request.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote_address = peer.address;
    request.remote_port = peer.port;
    request.tls = tls;
    if (question != std::string_view::npos) {
        request.query = QueryParameters::parse(target.substr(question + 1));  // may throw 400
    }
    return request;
}

bool acceptable_transfer_coding(const http::request_header<>& header) {
    const auto codings = header.count(http::field::transfer_encoding);
    return codings == 0 ||
           (codings == 1 && beast::iequals(header[http::field::transfer_encoding], "chunked"));
}

}  // namespace sigcard::http
