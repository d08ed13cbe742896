// HTTP header fields with case-insensitive names (RFC 9110 §5.1), shared by server and client.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigcard::http {

class Headers {
public:
    using Field = std::pair<std::string, std::string>;

    // Adds a field; an existing field of the same name stays (Set-Cookie may repeat).
    void add(std::string name, std::string value);
    // Replaces every field of this name by one.
    void set(std::string name, std::string value);
    void remove(std::string_view name);

    std::optional<std::string_view> find(std::string_view name) const;
    // The value, or an empty string when the field is absent.
    std::string_view get(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name).has_value(); }

    const std::vector<Field>& fields() const noexcept { return fields_; }
    bool empty() const noexcept { return fields_.empty(); }

private:
    std::vector<Field> fields_;
};

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept;

}  // namespace sigcard::http
