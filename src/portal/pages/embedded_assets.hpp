// The page templates and static files (CSS, JS) compiled into the portal at build time by
// embed_assets.cmake: the running portal needs no files from the source tree.
#pragma once

#include <optional>
#include <string_view>

namespace sigcard::portal::pages {

// `name` relative to src/portal: "templates/start.html", "static/portal.css".
std::optional<std::string_view> embedded_asset(std::string_view name);

}  // namespace sigcard::portal::pages
