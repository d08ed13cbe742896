#include "agent/agent_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "agent/agent_errors.hpp"

namespace sigcard::agent {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool valid_host(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    if (host.front() == '[') {  // IPv6 literal
        return host.back() == ']' && host.size() > 2 &&
               host.find_first_not_of("0123456789abcdef:.", 1) == host.size() - 1;
    }
    return host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") ==
           std::string_view::npos;
}

ossl::X509Ptr read_certificate(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(errors::config_invalid, "cannot read portal certificate " + file.string());
    }
    std::ostringstream pem;
    pem << in.rdbuf();
    auto cert = ossl::x509_from_pem(pem.str());
    if (!cert) {
        throw Error(errors::config_invalid, "no PEM certificate in " + file.string());
    }
    return cert;
}

TrustedPortal read_portal(const toml::table& entry, const std::filesystem::path& dir) {
    const auto origin_text = entry["origin"].value<std::string>();
    const auto cert_path = entry["request_signing_certificate"].value<std::string>();
    if (!origin_text || !cert_path) {
        throw Error(errors::config_invalid,
                    "[[portal]] needs origin and request_signing_certificate");
    }
    auto origin = canonical_origin(*origin_text);
    if (!origin) {
        throw Error(errors::config_invalid, "portal origin is not an origin: " + *origin_text);
    }
    std::filesystem::path file(*cert_path);
    if (file.is_relative()) {
        file = dir / file;
    }
    return {std::move(*origin), read_certificate(file)};
}

}  // namespace

const TrustedPortal* AgentConfig::find_portal(std::string_view origin) const {
    for (const auto& portal : portals) {
        if (portal.origin == origin) {
            return &portal;
        }
    }
    return nullptr;
}

std::optional<std::string> canonical_origin(std::string_view text) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string scheme = lower(text.substr(0, scheme_end));
    if (scheme != "https" && scheme != "http") {
        return std::nullopt;
    }
    std::string_view authority = text.substr(scheme_end + 3);
    // An origin has no path, query, fragment or user part — not even a trailing slash.
    if (authority.find_first_of("/?#@ ") != std::string_view::npos) {
        return std::nullopt;
    }
    std::string host = lower(authority);
    std::string port;
    const auto colon = host.rfind(':');
    if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
        port = host.substr(colon + 1);
        host.resize(colon);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
            std::stoi(port) > 65535) {
            return std::nullopt;
        }
        if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) {
            port.clear();
        }
    }
    if (!valid_host(host)) {
        return std::nullopt;
    }
    return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

AgentConfig load_agent_config(const std::filesystem::path& file) {
    toml::table table;
    try {
        table = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        throw Error(errors::config_invalid,
                    fmt::format("{}: {}", file.string(), std::string(e.description())));
    }
    AgentConfig config;
    const auto module = table["pkcs11_module"].value<std::string>();
    if (!module || module->empty()) {
        throw Error(errors::config_invalid, "pkcs11_module is missing");
    }
    config.pkcs11_module = *module;
    config.require_pin_pad = table["require_pin_pad"].value_or(true);
    const auto port = table["port"].value_or<std::int64_t>(default_port);
    if (port < 0 || port > 65535) {
        throw Error(errors::config_invalid, "port out of range");
    }
    config.port = static_cast<std::uint16_t>(port);
    const auto lifetime = table["request_lifetime_seconds"].value_or<std::int64_t>(300);
    if (lifetime < 30 || lifetime > 900) {
        throw Error(errors::config_invalid, "request_lifetime_seconds must be 30…900");
    }
    config.request_lifetime = std::chrono::seconds(lifetime);

    const auto* portals = table["portal"].as_array();
    if (portals == nullptr || portals->empty()) {
        throw Error(errors::config_invalid, "no [[portal]] is configured");
    }
    const auto dir = std::filesystem::absolute(file).parent_path();
    for (const auto& node : *portals) {
        const auto* entry = node.as_table();
        if (entry == nullptr) {
            throw Error(errors::config_invalid, "portal must be an array of tables");
        }
        config.portals.push_back(read_portal(*entry, dir));
    }
    return config;
}

std::filesystem::path default_config_path() {
    if (const char* explicit_path = std::getenv("SIGCARD_AGENT_CONFIG");
        explicit_path != nullptr && *explicit_path != '\0') {
        return explicit_path;
    }
    std::filesystem::path user_dir;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
        user_dir = xdg;
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        user_dir = std::filesystem::path(home) / ".config";
    }
    if (!user_dir.empty()) {
        auto user_file = user_dir / "sigcard" / "agent.toml";
        if (std::filesystem::exists(user_file)) {
            return user_file;
        }
    }
    return "/etc/sigcard/agent.toml";
}

}  // namespace sigcard::agent
