#pragma once
// Starting child processes with posix_spawn, the ninja way: the child gets
// an empty signal mask and default dispositions for every signal cx handles
// or ignores, so a blocked SIGINT or an ignored SIGPIPE never leaks into it.

#include <sys/types.h>

#include <optional>
#include <utility>
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

// A child process that is reaped exactly once. One that goes out of scope
// unreaped (an error path, an exception) is killed with SIGKILL and reaped,
// so no child outlives the code that started it and no zombie is left.
class Child {
 public:
  Child() = default;
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(Child&& o) noexcept : pid_(std::exchange(o.pid_, -1)) {}
  Child& operator=(Child&& o) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  // Waits, retrying on EINTR, and returns the raw wait status.
  Result<int> wait();
  // The raw wait status if it has exited (and is now reaped), else nothing.
  std::optional<int> poll();
  void signal(int sig) const;
  // SIGKILL and reap, if still owned.
  void kill_and_reap();

 private:
  void reaped();
  pid_t pid_ = -1;
};

// Starts the child.
Result<Child> spawn(const SpawnOptions& opts);

// Told of every child spawn() starts and of its reaping: the session's reaper keeps the list and kills what is still
// running if cx dies (a credential_process, a runtime client), so no child
// outlives a killed cx. Calls may come from any thread.
class ChildObserver {
 public:
  virtual ~ChildObserver() = default;
  virtual void started(pid_t pid) = 0;
  virtual void reaped(pid_t pid) = 0;
};
// Installs `observer` (nullptr: none); the caller keeps it alive until it
// is replaced. Not thread-safe itself: set it before any thread spawns.
void set_child_observer(ChildObserver* observer);

// Waits for `pid` (a process this one forked itself, such as the reaper),
// retrying on EINTR, and returns its raw wait status.
Result<int> wait_for(pid_t pid);

// Turns a wait status into an exit code: the status, or 128+N for signal N.
int exit_code_of(int wait_status);

// Looks `name` up on PATH (as execvp would); empty when not found.
std::string find_on_path(const std::string& name);

}  // namespace cx::proc
