// What a route handler returns: status, content type, headers and body, with helpers for the
// kinds of answers the portal gives (JSON, HTML, DER objects of the PKI, PDFs, redirects) — or
// a deferred answer that the handler gives later, from any thread.
#pragma once

#include <exception>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "http/headers.hpp"

namespace sigcard::http {

namespace content_type {
inline constexpr std::string_view json = "application/json";
inline constexpr std::string_view html = "text/html; charset=utf-8";
inline constexpr std::string_view text = "text/plain; charset=utf-8";
inline constexpr std::string_view ocsp_response = "application/ocsp-response";
inline constexpr std::string_view ocsp_request = "application/ocsp-request";
inline constexpr std::string_view crl = "application/pkix-crl";
inline constexpr std::string_view pdf = "application/pdf";
}  // namespace content_type

namespace detail {
class PendingAnswer;
}
class ResponsePromise;
struct DeferredResponse;

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

    // An answer given later, for a handler that must wait for something slow (e.g. a durable
    // database commit) without holding one of the server's few threads meanwhile:
    //
    //     auto [response, promise] = Response::deferred();
    //     start_work([promise] { promise->fulfil(Response::json(...)); });  // any thread
    //     return response;
    //
    // The server waits for the promise without blocking a thread, then sends its answer like a
    // synchronous one (security headers, HEAD, keep-alive, metrics, log). See ResponsePromise.
    static DeferredResponse deferred();
    bool is_deferred() const { return pending != nullptr; }

    // Set only by deferred(): the server waits on it instead of sending this answer.
    std::shared_ptr<detail::PendingAnswer> pending;
};

// The handler's side of a deferred response. fulfil() and fail() may be called from any thread
// and at any time, even before the handler has returned the response; the first call counts,
// later ones are ignored. fail() is answered exactly as if a synchronous handler had thrown the
// exception (HttpError → its status, sigcard::Error → the server's status table, anything else
// → 500 `internal`). When the last reference goes without either, the request is answered 500
// `internal`: a lost promise never leaves a client hanging. A promise that outlives its server
// or connection is harmless; its answer is dropped.
class ResponsePromise {
public:
    ~ResponsePromise();
    ResponsePromise(const ResponsePromise&) = delete;
    ResponsePromise& operator=(const ResponsePromise&) = delete;

    void fulfil(Response response);
    void fail(std::exception_ptr failure);

private:
    friend struct Response;
    explicit ResponsePromise(std::shared_ptr<detail::PendingAnswer> answer);

    std::shared_ptr<detail::PendingAnswer> answer_;
};

struct DeferredResponse {
    Response response;                         // for the handler to return
    std::shared_ptr<ResponsePromise> promise;  // for whatever completes the work
};

}  // namespace sigcard::http
