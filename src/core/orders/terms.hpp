// The general terms (AGB), versioned. An order binds the version valid at the moment it is
// signed, together with the SHA-256 of its text (R7).
#pragma once

#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::orders {

struct TermsVersion {
    std::string version;
    std::int64_t valid_from = 0;  // unix seconds
    std::string sha256;           // hex, of the text's bytes
    std::string text;
};

class TermsCatalogue {
public:
    explicit TermsCatalogue(storage::Database& db) : db_(db) {}

    // Throws Error(terms.version_exists) when the version is already there; nothing changes then.
    TermsVersion publish(const std::string& text, const std::string& version,
                         std::int64_t valid_from, const std::string& actor);

    // The version in force at `at`: the latest valid_from not after it.
    std::optional<TermsVersion> in_force(std::int64_t at) const;
    // The same within the caller's transaction.
    static std::optional<TermsVersion> in_force(soci::session& session, std::int64_t at);

    // Only the version in force, within the caller's transaction, with one statement prepared
    // for the session: for checks that compare versions and need not read the terms' text.
    class VersionLookup {
    public:
        explicit VersionLookup(soci::session& session);
        std::optional<std::string> in_force(std::int64_t at);

    private:
        long long at_ = 0;
        std::string version_;
        soci::indicator indicator_ = soci::i_null;
        soci::statement statement_;
    };
    std::optional<TermsVersion> find(const std::string& version) const;
    std::vector<TermsVersion> list() const;

private:
    storage::Database& db_;
};

}  // namespace sigcard::orders
