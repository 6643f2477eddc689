#include "proc/reaper.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "proc/spawn.h"
#include "util/iso8601.h"
#include "util/portable.h"

namespace cx::proc {
namespace {

struct Entry {
  std::string key;
  std::string op;  // "kill", "run", "remove", "append"
  pid_t pid = 0;
  std::vector<std::string> argv;
  std::string path;
  std::string line;
};

// Runs argv with no input or output, killing it after `limit`.
void run_quietly(const std::vector<std::string>& argv, std::chrono::milliseconds limit) {
  UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  auto child = spawn({.argv = argv,
                      .env = std::nullopt,
                      .stdin_fd = null.get(),
                      .stdout_fd = null.get(),
                      .stderr_fd = null.get()});
  if (!child) return;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  // Past the deadline the Child's destructor kills and reaps it.
  while (!child->poll() && child->pid() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// Appends the JSON line {"time": now, "event": EVENT} to the audit log.
void append_event(const std::string& path, const std::string& event) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return;
  nlohmann::json line = {{"time", format_iso8601(std::chrono::system_clock::now())},
                         {"event", event}};
  std::string data = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  (void)!::write(fd.get(), data.data(), data.size());
}

// One registration: fields written as netstrings (`LEN:BYTES,`), the message
// ended by '\n' where the next field's length would start. Paths and argv
// may hold any byte but NUL, newlines included, so no field is delimited.
std::string encode(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += std::to_string(f.size()) + ":" + f + ",";
  return out + "\n";
}

// Takes one whole message off the front of `buf` into `fields`. Returns
// false when `buf` does not hold a whole message yet; a malformed one
// empties `buf` (only cx writes to the pipe).
bool decode(std::string& buf, std::vector<std::string>& fields) {
  fields.clear();
  size_t pos = 0;
  for (;;) {
    if (pos >= buf.size()) return false;
    if (buf[pos] == '\n') {
      buf.erase(0, pos + 1);
      return true;
    }
    size_t colon = buf.find(':', pos);
    if (colon == std::string::npos) return false;
    size_t len = 0;
    for (size_t i = pos; i < colon; ++i) {
      if (buf[i] < '0' || buf[i] > '9' || colon - pos > 9) {
        buf.clear();
        fields.clear();
        return false;
      }
      len = len * 10 + static_cast<size_t>(buf[i] - '0');
    }
    if (colon + 1 + len >= buf.size()) return false;
    if (buf[colon + 1 + len] != ',') {
      buf.clear();
      fields.clear();
      return false;
    }
    fields.push_back(buf.substr(colon + 1, len));
    pos = colon + 2 + len;
  }
}

// Applies one registration [op, key, args...] to the journal.
void register_entry(std::vector<Entry>& journal, const std::vector<std::string>& f) {
  if (f.size() < 2) return;
  const std::string& op = f[0];
  if (op == "forget") {
    std::erase_if(journal, [&](const Entry& e) { return e.key == f[1]; });
    return;
  }
  Entry e;
  e.op = op;
  e.key = f[1];
  if (op == "kill" && f.size() == 3) {
    char* end = nullptr;
    long v = std::strtol(f[2].c_str(), &end, 10);
    if (!end || *end || v <= 1) return;
    e.pid = static_cast<pid_t>(v);
  } else if (op == "run" && f.size() > 2) {
    e.argv.assign(f.begin() + 2, f.end());
  } else if ((op == "remove" && f.size() == 3) || (op == "append" && f.size() == 4)) {
    e.path = f[2];
    if (e.path.empty() || e.path[0] != '/') return;
    if (op == "append") e.line = f[3];
  } else {
    return;
  }
  journal.push_back(std::move(e));
}

}  // namespace

int run_reaper(int fd) {
  std::vector<Entry> journal;
  std::string pending;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // cx's end closed: however cx ended, it is over
    pending.append(chunk, static_cast<size_t>(n));
    std::vector<std::string> fields;
    while (decode(pending, fields)) register_entry(journal, fields);
  }

  int done = 0;
  auto each = [&](const char* op, auto&& fn) {
    for (const auto& e : journal) {
      if (e.op == op) {
        fn(e);
        ++done;
      }
    }
  };
  each("kill", [](const Entry& e) { ::kill(e.pid, SIGKILL); });
  const auto limit = std::chrono::seconds(10);
  each("run", [&](const Entry& e) { run_quietly(e.argv, limit); });
  each("append", [](const Entry& e) { append_event(e.path, e.line); });
  each("remove", [](const Entry& e) {
    std::error_code ec;
    std::filesystem::remove_all(e.path, ec);  // removes symlinks, never follows them
  });
  const bool ran = std::any_of(journal.begin(), journal.end(),
                               [](const Entry& e) { return e.op == "run"; });
  if (ran) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    for (const auto& e : journal)
      if (e.op == "run") run_quietly(e.argv, limit);
  }
  return done;
}

Result<Reaper> Reaper::start() {
  int p[2];
  if (!port::pipe_cloexec(p))
    return make_error(std::string("cannot make the lifeline pipe: ") + std::strerror(errno));
  UniqueFd read_end(p[0]), write_end(p[1]);
  // The signals cx forwards are blocked across the fork, so the reaper is
  // born with them blocked: a signal sent the instant it exists (`pkill cx`
  // racing the start) finds it already deaf, not at the default action.
  sigset_t block, saved;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2})
    sigaddset(&block, sig);
  ::sigprocmask(SIG_BLOCK, &block, &saved);
  const pid_t pid = ::fork();
  if (pid != 0) ::sigprocmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) return make_error(std::string("cannot start the reaper: ") + std::strerror(errno));
  if (pid == 0) {
    // The reaper. Its own session: no terminal signals reach it; only
    // SIGKILL stops it.
    ::setsid();
    std::signal(SIGPIPE, SIG_IGN);
    port::set_process_name("cx-reaper");
    write_end.reset();
    const int rfd = read_end.get();
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      for (int i = 0; i < 3; ++i) ::dup2(null, i);
      if (null > 2) ::close(null);
    }
    // Nothing else of cx's stays open here (a descriptor cx inherited would
    // otherwise live as long as the reaper).
    port::close_other_fds(rfd);
    run_reaper(rfd);
    ::_exit(0);
  }
  return Reaper(std::move(write_end), pid);
}

Reaper::~Reaper() {
  if (pid_ <= 0) return;
  fd_.reset();
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

Status Reaper::send(const std::vector<std::string>& fields) {
  const std::string data = encode(fields);
  std::lock_guard<std::mutex> lock(*mu_);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd_.get(), data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return make_error("the session's reaper is gone (" + std::string(std::strerror(errno)) +
                        "): nothing would clean up if cx died");
    off += static_cast<size_t>(n);
  }
  return Ok{};
}

Status Reaper::kill_on_exit(pid_t pid) {
  return send({"kill", "pid:" + std::to_string(pid), std::to_string(pid)});
}

Status Reaper::forget_kill(pid_t pid) { return forget("pid:" + std::to_string(pid)); }

Status Reaper::run_on_exit(const std::string& key, const std::vector<std::string>& argv) {
  std::vector<std::string> f{"run", key};
  f.insert(f.end(), argv.begin(), argv.end());
  return send(f);
}

Status Reaper::forget(const std::string& key) { return send({"forget", key}); }

Status Reaper::remove_on_exit(const std::string& path) {
  return send({"remove", "path:" + path, path});
}

Status Reaper::audit_on_exit(const std::string& key, const std::string& path,
                             const std::string& event) {
  return send({"append", key, path, event});
}

}  // namespace cx::proc
