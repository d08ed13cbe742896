// What a route handler returns: status, content type, headers and body, with helpers for the
// kinds of answers the portal gives (JSON, HTML, DER objects of the PKI, PDFs, redirects).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "portal/http/headers.hpp"

namespace sigcard::portal {

namespace content_type {
inline constexpr std::string_view json = "application/json";
inline constexpr std::string_view html = "text/html; charset=utf-8";
inline constexpr std::string_view text = "text/plain; charset=utf-8";
inline constexpr std::string_view ocsp_response = "application/ocsp-response";
inline constexpr std::string_view ocsp_request = "application/ocsp-request";
inline constexpr std::string_view crl = "application/pkix-crl";
inline constexpr std::string_view pdf = "application/pdf";
}  // namespace content_type

struct Response {
    int status = 200;
    std::string content_type;
    // Extra fields. A handler that sets Cache-Control or Content-Security-Policy itself keeps
    // its value; the server adds its defaults only where the handler set none.
    Headers headers;
    std::string body;

    static Response json(const nlohmann::json& value, int status = 200);
    static Response html(std::string page, int status = 200);
    static Response text(std::string text, int status = 200);
    static Response binary(std::string bytes, std::string_view content_type, int status = 200);
    static Response ocsp(std::string der) {
        return binary(std::move(der), content_type::ocsp_response);
    }
    static Response crl(std::string der) { return binary(std::move(der), content_type::crl); }
    static Response pdf(std::string bytes) { return binary(std::move(bytes), content_type::pdf); }
    // 303 by default: after a POST the browser fetches the target with GET.
    static Response redirect(std::string location, int status = 303);
    // The JSON error answer for `code` (see http_errors.hpp).
    static Response error(const ErrorCode& code, int status);
};

}  // namespace sigcard::portal
