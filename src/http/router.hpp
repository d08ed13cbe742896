// Maps method + path to a handler: exact paths first, then the longest matching path prefix
// (e.g. GET /ocsp/<base64>). Unknown paths answer 404, known paths with another method 405.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace sigcard::http {

// Runs on one of the server's few threads: a handler that has to wait for something slow
// returns a deferred response (Response::deferred()) instead of blocking.
using Handler = std::function<Response(const Request&)>;

class Router {
public:
    void add(std::string method, std::string path, Handler handler);
    void add_prefix(std::string method, std::string prefix, Handler handler);
    void get(std::string path, Handler handler) { add("GET", std::move(path), std::move(handler)); }
    void post(std::string path, Handler handler) {
        add("POST", std::move(path), std::move(handler));
    }

    // Answers requests for a path no route knows (instead of the JSON 404), e.g. an HTML page for
    // a browser.
    void set_not_found(Handler handler) { not_found_ = std::move(handler); }

    // Runs the handler for the request (HEAD falls back to GET). Exceptions from the handler
    // pass through; the server turns them into error answers. Sets request.path_remainder.
    Response dispatch(Request& request) const;

private:
    struct Route {
        std::string method;
        std::string path;
        bool prefix;
        Handler handler;
    };
    const Route* match(const std::string& method, const std::string& path) const;
    std::string allowed_methods(const std::string& path) const;

    std::vector<Route> routes_;
    Handler not_found_;
};

}  // namespace sigcard::http
