#pragma once
// The session's lifeline on the host. A session forks a small process, the
// reaper, before it makes anything: no thread, no container, no file yet.
// cx keeps the write end of a pipe to it and tells it, as the session goes,
// what to undo if cx dies: processes to kill, commands to run (the
// runtime's `rm -f` of the container) and paths to remove (the broker
// directory with the token, the session record). When the pipe closes —
// cx returned, or was killed by any signal, SIGKILL included — the reaper
// does what is still registered and exits.
//
// Nothing of it is inside the container: the agent, whatever it kills or
// writes there, cannot reach the reaper or the pipe. It runs in a session of
// its own (setsid), so a terminal's Ctrl-C or hang-up does not stop it, and
// with the signals cx forwards blocked, so `pkill cx` does not either.

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "proc/spawn.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace cx::proc {

// As a ChildObserver (set_child_observer), it kills every child cx started
// and has not reaped yet if cx dies.
class Reaper : public ChildObserver {
 public:
  // Forks the reaper. Must be called while cx has a single thread (fork in a
  // threaded process may leave the child with a lock held forever).
  static Result<Reaper> start();

  Reaper(Reaper&& o) noexcept
      : fd_(std::move(o.fd_)), pid_(std::exchange(o.pid_, -1)), mu_(std::move(o.mu_)) {}
  Reaper& operator=(Reaper&&) = delete;
  // Closes cx's end of the pipe, so the reaper does what is still
  // registered, and waits for it (no zombie is left to an init that does
  // not reap). On a normal end nothing is registered and it exits at once.
  ~Reaper() override;

  void started(pid_t pid) override { (void)kill_on_exit(pid); }
  void reaped(pid_t pid) override { (void)forget_kill(pid); }

  // SIGKILL `pid` if cx dies (the runtime client, while it creates the
  // container); forget_kill when it has been waited for.
  Status kill_on_exit(pid_t pid);
  Status forget_kill(pid_t pid);
  // Run `argv` (stdout and stderr discarded, at most 10 s) if cx dies; the
  // commands run in the order registered, after the kills, and once more a
  // second later (a runtime daemon may finish creating a container its dead
  // client asked for after the first `rm -f`). `key` names it for forget.
  Status run_on_exit(const std::string& key, const std::vector<std::string>& argv);
  Status forget(const std::string& key);
  // Remove `path` (a file, or a directory and everything in it; symlinks
  // are removed, never followed), after the commands, when the pipe closes
  // however cx ends: on a normal end it is already gone and this is a no-op.
  Status remove_on_exit(const std::string& path);
  // Append {"time": ..., "event": EVENT} to the audit log at `path` if cx
  // dies, unless `key` is forgotten. The file is opened O_APPEND|O_NOFOLLOW;
  // it is not created.
  Status audit_on_exit(const std::string& key, const std::string& path, const std::string& event);

  pid_t pid() const { return pid_; }

 private:
  Reaper(UniqueFd fd, pid_t pid)
      : fd_(std::move(fd)), pid_(pid), mu_(std::make_unique<std::mutex>()) {}
  Status send(const std::vector<std::string>& fields);

  UniqueFd fd_;
  pid_t pid_ = -1;
  // Children are started and reaped on the broker's threads too.
  std::unique_ptr<std::mutex> mu_;
};

// The reaper's loop, reading registrations from `fd` until it closes, then
// doing what is registered. Public for tests; returns the number of actions
// it carried out.
int run_reaper(int fd);

}  // namespace cx::proc
