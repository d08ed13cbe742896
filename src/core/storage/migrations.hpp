// The schema migrations, embedded at build time from storage/migrations/*.sql.
// Placeholders: {{id}} → an auto-increment primary key in the database's dialect.
#pragma once

#include <string>
#include <vector>

namespace sigcard::storage {

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

// Sorted by version.
const std::vector<Migration>& migrations();

}  // namespace sigcard::storage
