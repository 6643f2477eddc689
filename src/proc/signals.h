#pragma once
// Signal plan: at start-up, before any thread exists, cx blocks the signals
// it forwards (so every later thread inherits the mask) and ignores SIGPIPE.
// While a session's runtime client runs, the supervisor takes them
// synchronously with sigtimedwait. Before that (config, credentials, the
// broker's start) and after it (clean-up), an ExitOnSignal watcher makes
// cx honour them: it puts the terminal back and exits 128+N at once; the
// session's reaper (proc/reaper.h) undoes whatever had been made.

#include <termios.h>

#include <csignal>
#include <thread>

#include "util/portable.h"
#include "util/unique_fd.h"

namespace cx::proc {

// Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGCHLD and ignores SIGPIPE.
// Call first thing in main.
void block_session_signals();

// The set blocked by block_session_signals().
sigset_t session_signals();

// While it lives, SIGINT, SIGTERM, SIGHUP or SIGQUIT sent to cx restores the
// terminal as it was when the watcher started and ends the process with
// _exit(128+N). Needs block_session_signals() to have run. Destroy it
// before the supervisor waits: a signal that arrives after that stays
// pending for the supervisor.
class ExitOnSignal {
 public:
  ExitOnSignal();
  ~ExitOnSignal();
  ExitOnSignal(const ExitOnSignal&) = delete;
  ExitOnSignal& operator=(const ExitOnSignal&) = delete;

 private:
  port::SignalFd signals_;
  UniqueFd stop_read_, stop_write_;
  bool tty_saved_ = false;
  termios tty_{};
  std::thread thread_;
};

}  // namespace cx::proc
