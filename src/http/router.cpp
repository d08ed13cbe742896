#include "http/router.hpp"

#include <algorithm>

#include "http/http_errors.hpp"

namespace sigcard::http {

namespace {
bool path_matches(const std::string& route_path, bool prefix, const std::string& path) {
    return prefix ? path.starts_with(route_path) : path == route_path;
}
}  // namespace

void Router::add(std::string method, std::string path, Handler handler) {
    routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void Router::add_prefix(std::string method, std::string prefix, Handler handler) {
    routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

const Router::Route* Router::match(const std::string& method, const std::string& path) const {
    const Route* best = nullptr;
    for (const auto& route : routes_) {
        if (route.method != method || !path_matches(route.path, route.prefix, path)) {
            continue;
        }
        if (!route.prefix) {
            return &route;  // an exact path beats every prefix
        }
        if (best == nullptr || route.path.size() > best->path.size()) {
            best = &route;
        }
    }
    return best;
}

std::string Router::allowed_methods(const std::string& path) const {
    std::vector<std::string_view> methods;
    for (const auto& route : routes_) {
        if (path_matches(route.path, route.prefix, path) &&
            std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
            methods.push_back(route.method);
        }
    }
    std::string allowed;
    for (const auto method : methods) {
        allowed += allowed.empty() ? std::string(method) : ", " + std::string(method);
    }
    return allowed;
}

Response Router::dispatch(Request& request) const {
    const Route* route = match(request.method, request.path);
    if (route == nullptr && request.method == "HEAD") {
        route = match("GET", request.path);
    }
    if (route == nullptr) {
        const std::string allowed = allowed_methods(request.path);
        if (allowed.empty()) {
            return not_found_ ? not_found_(request) : Response::error(errors::not_found, 404);
        }
        Response response = Response::error(errors::method_not_allowed, 405);
        response.headers.set("Allow", allowed);
        return response;
    }
    request.path_remainder =
        route->prefix ? request.path.substr(route->path.size()) : std::string{};
    return route->handler(request);
}

}  // namespace sigcard::http
