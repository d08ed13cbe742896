// Reads a multipart/form-data body (RFC 7578), as a browser sends a form with a file field:
// the fallback for holders without the card agent's JavaScript path, who upload their
// certificate file instead.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sigcard::portal::pages {

// Field name → content (a file's bytes as sent). nullopt when `content_type` is not
// multipart/form-data with a boundary or the body does not follow it.
std::optional<std::map<std::string, std::string, std::less<>>> parse_multipart_form(
    std::string_view content_type, std::string_view body);

}  // namespace sigcard::portal::pages
