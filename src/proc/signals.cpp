#include "proc/signals.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
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

ExitOnSignal::ExitOnSignal() {
  const sigset_t set = exit_signals();
  signal_fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC));
  stop_fd_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!signal_fd_ || !stop_fd_) return;  // then signals wait for the supervisor, as before
  tty_saved_ = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &tty_) == 0;
  thread_ = std::thread([this] {
    pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {stop_fd_.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return;
      if (!fds[0].revents) continue;
      signalfd_siginfo info{};
      if (::read(signal_fd_.get(), &info, sizeof info) != sizeof info) continue;
      if (tty_saved_) ::tcsetattr(STDIN_FILENO, TCSANOW, &tty_);
      ::_exit(128 + static_cast<int>(info.ssi_signo));
    }
  });
}

ExitOnSignal::~ExitOnSignal() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  (void)!::write(stop_fd_.get(), &one, sizeof one);
  thread_.join();
}

}  // namespace cx::proc
