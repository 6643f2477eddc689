#include "proc/signals.h"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

namespace cx::proc {
namespace {

sigset_t exit_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
  return set;
}

}  // namespace

sigset_t session_signals() {
  sigset_t set = exit_signals();
  sigaddset(&set, SIGCHLD);
  return set;
}

void block_session_signals() {
  sigset_t set = session_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

ExitOnSignal::ExitOnSignal() : signals_(exit_signals()) {
  int stop[2];
  if (!signals_.ok() || !port::pipe_cloexec(stop)) return;  // then signals wait for the supervisor
  stop_read_.reset(stop[0]);
  stop_write_.reset(stop[1]);
  tty_saved_ = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &tty_) == 0;
  thread_ = std::thread([this] {
    pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return;
      if (!fds[0].revents) continue;
      auto caught = signals_.take();
      if (!caught) continue;
      if (tty_saved_) ::tcsetattr(STDIN_FILENO, TCSANOW, &tty_);
      ::_exit(128 + caught->number);
    }
  });
}

ExitOnSignal::~ExitOnSignal() {
  if (!thread_.joinable()) return;
  const char stop = 0;
  (void)!::write(stop_write_.get(), &stop, 1);
  thread_.join();
}

}  // namespace cx::proc
