#pragma once
// Supervising the runtime client (`docker run ...`) for the length of a
// session: forward the signals a user or a service manager sends to cx,
// restore the terminal if the client leaves it raw, and report how the
// child ended.

#include <sys/types.h>
#include <termios.h>

#include <chrono>
#include <functional>

#include "proc/spawn.h"

namespace cx::proc {

struct SuperviseOptions {
  // How long after forwarding SIGTERM/SIGHUP the child may take before it is
  // killed with SIGKILL.
  std::chrono::seconds kill_after{10};
  // Called every `tick` while the child runs (e.g. to check the broker).
  std::function<void()> on_tick;
  std::chrono::milliseconds tick{1000};
};

// Waits for `child` while forwarding SIGTERM, SIGHUP and SIGQUIT (and a
// SIGINT sent with kill(); a Ctrl-C from the terminal already reached the
// child's process group). Needs block_session_signals() to have run.
// Returns the child's exit code (128+N when killed by signal N).
// `child` is reaped when this returns.
int supervise(Child& child, const SuperviseOptions& opts = {});

// Saves the terminal state of stdin (if it is a TTY) and restores it on
// destruction, so a client killed while the terminal is raw leaves it sane.
class TerminalGuard {
 public:
  TerminalGuard();
  ~TerminalGuard();
  TerminalGuard(const TerminalGuard&) = delete;
  TerminalGuard& operator=(const TerminalGuard&) = delete;

 private:
  bool saved_ = false;
  termios saved_tio_{};
};

}  // namespace cx::proc
