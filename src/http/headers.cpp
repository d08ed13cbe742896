#include "http/headers.hpp"

#include <algorithm>

namespace sigcard::http {

namespace {
char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

void Headers::add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
    remove(name);
    add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
    std::erase_if(fields_, [name](const Field& f) { return equals_ignoring_case(f.first, name); });
}

std::optional<std::string_view> Headers::find(std::string_view name) const {
    for (const auto& [field_name, value] : fields_) {
        if (equals_ignoring_case(field_name, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view Headers::get(std::string_view name) const {
    return find(name).value_or("");
}

}  // namespace sigcard::http
