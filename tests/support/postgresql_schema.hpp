// A PostgreSQL test's own schema: dropped if a run before left it, created empty, and the database
// URL whose connections work in it (search_path). Tests that ctest runs side by side name their
// schemas apart.
#pragma once

#include "storage/database.hpp"

#include <soci/soci.h>

#include <string>

namespace sigcard::testing {

inline std::string fresh_postgresql_schema(const std::string& conninfo, const std::string& schema) {
    storage::Database admin("postgresql:" + conninfo, 1);
    admin.with_session([&](soci::session& s) {
        s << "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
        s << "CREATE SCHEMA " + schema;
    });
    return "postgresql:" + conninfo + " options='-csearch_path=" + schema + "'";
}

inline void drop_postgresql_schema(const std::string& conninfo, const std::string& schema) {
    storage::Database admin("postgresql:" + conninfo, 1);
    admin.with_session([&](soci::session& s) { s << "DROP SCHEMA IF EXISTS " + schema + " CASCADE"; });
}

}  // namespace sigcard::testing
