// A trust center's sigcard.toml, read as the portal and the CLI read it at start. A file the
// rules refuse must say why (sigcard::Error, or std::runtime_error for TOML syntax), never crash.
#include "fuzz_support.hpp"

#include "config/trust_center_config.hpp"

#include <stdexcept>

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto config = config::TrustCenterConfig::parse(fuzz::text(data, size), "/nonexistent/tc");
        (void)config.to_toml();
    } catch (const std::runtime_error&) {  // sigcard::Error is one
    }
    return 0;
}
