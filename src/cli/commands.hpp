// The `sigcard` command tree.
#pragma once

namespace sigcard::cli {

int run(int argc, char** argv);

}  // namespace sigcard::cli
