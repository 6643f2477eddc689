#include "proc/spawn.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace cx::proc {
namespace {

ChildObserver* g_observer = nullptr;

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string find_on_path(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return is_executable_file(name) ? name : std::string{};
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

Result<Child> spawn(const SpawnOptions& opts) {
  if (opts.argv.empty()) return make_error("internal: spawn with an empty command");
  std::string path = find_on_path(opts.argv[0]);
  if (path.empty()) {
    if (opts.argv[0].find('/') != std::string::npos)
      return make_error("cannot run \"" + opts.argv[0] + "\": no such executable file");
    return make_error("cannot run \"" + opts.argv[0] + "\": not found on PATH");
  }

  // Every step is checked: a child started without the signal reset or the
  // redirections asked for would be worse than none.
  posix_spawnattr_t attr;
  if (int rc = posix_spawnattr_init(&attr); rc != 0)
    return make_error("cannot run " + path + ": " + std::strerror(rc));
  posix_spawn_file_actions_t actions;
  if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) {
    posix_spawnattr_destroy(&attr);
    return make_error("cannot run " + path + ": " + std::strerror(rc));
  }
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  int rc = posix_spawnattr_setsigmask(&attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
  if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const int fds[3] = {opts.stdin_fd, opts.stdout_fd, opts.stderr_fd};
  for (int i = 0; i < 3 && rc == 0; ++i)
    if (fds[i] >= 0) rc = posix_spawn_file_actions_adddup2(&actions, fds[i], i);

  pid_t pid = -1;
  if (rc == 0) {
    auto argv = c_strings(opts.argv);
    std::vector<char*> envp;
    if (opts.env) envp = c_strings(*opts.env);
    rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(),
                     opts.env ? envp.data() : environ);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return make_error("cannot run " + path + ": " + std::strerror(rc));
  if (g_observer) g_observer->started(pid);
  return Child(pid);
}

void set_child_observer(ChildObserver* observer) { g_observer = observer; }

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    pid_ = std::exchange(o.pid_, -1);
  }
  return *this;
}

void Child::reaped() {
  if (g_observer) g_observer->reaped(pid_);
  pid_ = -1;
}

Result<int> Child::wait() {
  if (pid_ <= 0) return make_error("internal: waiting for a child that is not there");
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return make_error(std::string("waitpid: ") + std::strerror(errno));
  }
  reaped();
  return status;
}

std::optional<int> Child::poll() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r < 0 && errno != EINTR) {
    reaped();  // not ours any more (ECHILD): nothing to wait for
    return std::nullopt;
  }
  if (r != pid_) return std::nullopt;
  reaped();
  return status;
}

void Child::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

void Child::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  (void)wait();
}

Result<int> wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return make_error(std::string("waitpid: ") + std::strerror(errno));
  }
  return status;
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 125;
}

}  // namespace cx::proc
