// The schema migrations, embedded at build time from storage/migrations/*.sql
// (NNNN_name.sqlite.sql and NNNN_name.postgresql.sql: one version, spelled per dialect).
// Placeholders: {{id}} → an auto-increment primary key in the database's dialect.
#pragma once

#include <string>
#include <vector>

namespace sigcard::storage {

struct Migration {
    int version;
    std::string name;
    std::string dialect;  // "sqlite" or "postgresql" when only for that one, else empty
    std::string sql;
};

// Sorted by version.
const std::vector<Migration>& migrations();

}  // namespace sigcard::storage
