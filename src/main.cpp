// cx: run Claude Code in an ephemeral container. Everything lives in the
// library (src/cli/...); main only hands over the arguments.
#include "cli/main.h"

int main(int argc, char** argv) { return cx::cli::main(argc, argv); }
