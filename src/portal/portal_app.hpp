// The sigcard-portal program: opens a trust center, registers every route and serves until
// SIGINT or SIGTERM.
#pragma once

namespace sigcard::portal {

int run_portal(int argc, char** argv);

}  // namespace sigcard::portal
