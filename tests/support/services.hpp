// Services the tests need (PostgreSQL): under CI (SIGCARD_REQUIRE_SERVICES=1, set by .ci/run) a
// service that is not there fails the test; elsewhere the test says it was skipped.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace sigcard::testing {

inline bool services_required() {
    const char* required = std::getenv("SIGCARD_REQUIRE_SERVICES");
    return required != nullptr && std::string_view(required) == "1";
}

}  // namespace sigcard::testing

// In a test body: the PostgreSQL connection string, or the test ends — failed under CI,
// skipped elsewhere.
#define SIGCARD_TEST_POSTGRESQL_OR_END(conninfo)                                                 \
    const char* conninfo = std::getenv("SIGCARD_TEST_POSTGRESQL");                               \
    if (conninfo == nullptr) {                                                                   \
        if (::sigcard::testing::services_required()) {                                           \
            FAIL() << "SIGCARD_TEST_POSTGRESQL is not set, and CI requires PostgreSQL";          \
        }                                                                                        \
        GTEST_SKIP() << "SIGCARD_TEST_POSTGRESQL is not set: no PostgreSQL to test against";     \
    }
