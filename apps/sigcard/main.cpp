// sigcard: the operator's command line. Only wires the commands of sigcard_cli together.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return sigcard::cli::run(argc, argv); }
