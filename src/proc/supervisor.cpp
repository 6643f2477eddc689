#include "proc/supervisor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>

#include "proc/signals.h"
#include "proc/spawn.h"
#include "util/portable.h"

namespace cx::proc {

int supervise(Child& child, const SuperviseOptions& opts) {
  port::SignalWaiter signals(session_signals());
  using Clock = std::chrono::steady_clock;
  // Clock::time_point::max() while no SIGKILL is due.
  constexpr Clock::time_point kNever = Clock::time_point::max();
  Clock::time_point kill_at = kNever;
  auto next_tick = Clock::now() + opts.tick;

  for (;;) {
    if (auto status = child.poll()) return exit_code_of(*status);
    if (child.pid() <= 0) return 125;

    auto now = Clock::now();
    if (now >= kill_at) {
      child.signal(SIGKILL);
      kill_at = kNever;
    }
    if (now >= next_tick) {
      if (opts.on_tick) opts.on_tick();
      next_tick = now + opts.tick;
    }
    auto until = next_tick;
    if (kill_at < until) until = kill_at;
    auto caught = signals.wait(until - Clock::now());
    if (!caught) continue;  // timeout or EINTR: loop re-checks the child
    const int sig = caught->number;
    switch (sig) {
      case SIGCHLD:
        break;
      case SIGINT:
        // A terminal's Ctrl-C (si_code SI_KERNEL) was delivered to the whole
        // foreground process group, the child included: do not send it twice.
        if (caught->code == SI_USER || caught->code == SI_QUEUE) child.signal(SIGINT);
        break;
      default:  // SIGTERM, SIGHUP, SIGQUIT
        child.signal(sig);
        if (kill_at == kNever) kill_at = Clock::now() + opts.kill_after;
        break;
    }
  }
}

TerminalGuard::TerminalGuard() {
  saved_ = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_tio_) == 0;
}

TerminalGuard::~TerminalGuard() {
  if (saved_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio_);
}

}  // namespace cx::proc
