// The card agent's configuration (a TOML file on the holder's PC): which PKCS#11 module drives
// the reader, which portal origins may use the agent and the certificate each one signs its
// signature requests with, the PIN-pad policy and the loopback port.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ossl.hpp"

namespace sigcard::agent {

// The agent's documented port: the portal's pages call http://127.0.0.1:29561 unless the trust
// center configures another (portal.card_agent_url). Not 24727: that is the eID client's
// (AusweisApp, BSI TR-03124-1). Why this one: docs/agent.md.
inline constexpr std::uint16_t default_port = 29561;

// A portal that may use the agent, pinned to the certificate of its request-signing key.
struct TrustedPortal {
    std::string origin;  // canonical: scheme://host[:port], lower case, no path
    ossl::X509Ptr request_signing_certificate;
};

struct AgentConfig {
    std::filesystem::path pkcs11_module;
    std::vector<TrustedPortal> portals;
    bool require_pin_pad = true;
    std::uint16_t port = default_port;  // 0: any free port (tests)
    // How long a signing request waits for the holder at most (the portal's expiry may be
    // shorter).
    std::chrono::seconds request_lifetime{300};

    const TrustedPortal* find_portal(std::string_view origin) const;
};

// Reads and checks the file; relative certificate paths are resolved against its folder.
// Throws Error(agent.config_invalid) naming the offending key in the detail.
AgentConfig load_agent_config(const std::filesystem::path& file);

// The file used when none is given: $SIGCARD_AGENT_CONFIG, else
// $XDG_CONFIG_HOME/sigcard/agent.toml (~/.config/…), else /etc/sigcard/agent.toml.
std::filesystem::path default_config_path();

// scheme://host[:port] in canonical form, or nullopt when `text` is not a web origin (a path,
// a wildcard, "null", a user part …). Default ports are dropped, as browsers do in Origin.
std::optional<std::string> canonical_origin(std::string_view text);

}  // namespace sigcard::agent
