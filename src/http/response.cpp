#include "http/response.hpp"

#include <nlohmann/json.hpp>

#include "http/http_errors.hpp"

namespace sigcard::http {

Response Response::json(const nlohmann::json& value, int status) {
    return binary(value.dump(), content_type::json, status);
}

Response Response::html(std::string page, int status) {
    return binary(std::move(page), content_type::html, status);
}

Response Response::text(std::string text, int status) {
    return binary(std::move(text), content_type::text, status);
}

Response Response::binary(std::string bytes, std::string_view type, int status) {
    Response response;
    response.status = status;
    response.content_type = std::string(type);
    response.body = std::move(bytes);
    return response;
}

Response Response::redirect(std::string location, int status) {
    Response response;
    response.status = status;
    response.headers.set("Location", std::move(location));
    return response;
}

Response Response::error(const ErrorCode& code, int status) {
    return binary(error_body(code), content_type::json, status);
}

}  // namespace sigcard::http
