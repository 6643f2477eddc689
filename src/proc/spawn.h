#pragma once
// Starting child processes with posix_spawn, the ninja way: the child gets
// an empty signal mask and default dispositions for every signal cx handles
// or ignores, so a blocked SIGINT or an ignored SIGPIPE never leaks into it.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace cx::proc {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  // The child's complete environment as NAME=VALUE; unset = inherit cx's.
  std::optional<std::vector<std::string>> env;
  // File descriptors for the child's stdin/stdout/stderr; -1 = inherit.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Starts the child and returns its pid.
Result<pid_t> spawn(const SpawnOptions& opts);

// Waits for `pid`, retrying on EINTR, and returns its raw wait status.
Result<int> wait_for(pid_t pid);

// Turns a wait status into an exit code: the status, or 128+N for signal N.
int exit_code_of(int wait_status);

// Looks `name` up on PATH (as execvp would); empty when not found.
std::string find_on_path(const std::string& name);

}  // namespace cx::proc
