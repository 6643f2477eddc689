#include "proc/signals.h"

#include <pthread.h>

#include <initializer_list>

namespace cx::proc {

sigset_t session_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&set, s);
  return set;
}

void block_session_signals() {
  sigset_t set = session_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace cx::proc
