#pragma once

namespace cx::cli {

// Parses the command line, runs the command, and returns the process exit
// status. Catches cx::Fatal once and prints it as `cx: error: ...`.
int main(int argc, char** argv);

}  // namespace cx::cli
