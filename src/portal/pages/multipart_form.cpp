#include "portal/pages/multipart_form.hpp"

#include "http/headers.hpp"

namespace sigcard::portal::pages {

namespace {

std::optional<std::string> boundary_of(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    if (!http::equals_ignoring_case(content_type.substr(0, semicolon), "multipart/form-data") ||
        semicolon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto at = content_type.find("boundary=", semicolon);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view boundary = content_type.substr(at + 9);
    boundary = boundary.substr(0, boundary.find(';'));
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
        boundary = boundary.substr(1, boundary.size() - 2);
    }
    if (boundary.empty() || boundary.size() > 70) {
        return std::nullopt;
    }
    return std::string(boundary);
}

// The name="…" of a part's Content-Disposition line.
std::optional<std::string> field_name(std::string_view headers) {
    std::size_t line_start = 0;
    while (line_start < headers.size()) {
        auto line_end = headers.find("\r\n", line_start);
        if (line_end == std::string_view::npos) {
            line_end = headers.size();
        }
        const auto line = headers.substr(line_start, line_end - line_start);
        line_start = line_end + 2;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos ||
            !http::equals_ignoring_case(line.substr(0, colon), "Content-Disposition")) {
            continue;
        }
        const auto at = line.find(" name=\"", colon);
        const auto at_semicolon = line.find(";name=\"", colon);
        const auto start = at != std::string_view::npos ? at : at_semicolon;
        if (start == std::string_view::npos) {
            return std::nullopt;
        }
        const auto value_start = start + 7;
        const auto value_end = line.find('"', value_start);
        if (value_end == std::string_view::npos) {
            return std::nullopt;
        }
        return std::string(line.substr(value_start, value_end - value_start));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::map<std::string, std::string, std::less<>>> parse_multipart_form(
    std::string_view content_type, std::string_view body) {
    const auto boundary = boundary_of(content_type);
    if (!boundary) {
        return std::nullopt;
    }
    const std::string delimiter = "--" + *boundary;
    const std::string separator = "\r\n" + delimiter;
    if (!body.starts_with(delimiter)) {
        return std::nullopt;
    }
    std::map<std::string, std::string, std::less<>> fields;
    std::size_t position = delimiter.size();
    while (true) {
        if (body.substr(position).starts_with("--")) {
            return fields;  // the closing delimiter
        }
        if (!body.substr(position).starts_with("\r\n")) {
            return std::nullopt;
        }
        position += 2;
        const auto headers_end = body.find("\r\n\r\n", position);
        if (headers_end == std::string_view::npos) {
            return std::nullopt;
        }
        const auto name = field_name(body.substr(position, headers_end - position));
        const auto content_start = headers_end + 4;
        const auto content_end = body.find(separator, content_start);
        if (!name || content_end == std::string_view::npos) {
            return std::nullopt;
        }
        fields.emplace(*name, std::string(body.substr(content_start, content_end - content_start)));
        position = content_end + separator.size();
    }
}

}  // namespace sigcard::portal::pages
