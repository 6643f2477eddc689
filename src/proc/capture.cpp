#include "proc/capture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "proc/spawn.h"
#include "util/portable.h"
#include "util/unique_fd.h"

namespace cx::proc {
namespace {

struct Pipe {
  UniqueFd r, w;
  bool open() {
    int fds[2];
    if (!port::pipe_cloexec(fds)) return false;
    r.reset(fds[0]);
    w.reset(fds[1]);
    return true;
  }
};

}  // namespace

Result<CaptureResult> capture(const CaptureOptions& opts) {
  Pipe in, out, err;
  if (!in.open() || !out.open() || (!opts.pass_stderr && !err.open()))
    return make_error(std::string("pipe: ") + std::strerror(errno));

  SpawnOptions so;
  so.argv = opts.argv;
  so.env = opts.env;
  so.stdin_fd = in.r.get();
  so.stdout_fd = out.w.get();
  so.stderr_fd = opts.pass_stderr ? -1 : err.w.get();
  auto child = spawn(so);
  if (!child) return child.error();
  in.r.reset();
  out.w.reset();
  err.w.reset();
  ::fcntl(in.w.get(), F_SETFL, O_NONBLOCK);

  CaptureResult result;
  size_t written = 0;
  if (opts.stdin_data.empty()) in.w.reset();
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  char buf[16384];
  while (out.r || err.r) {
    pollfd fds[3];
    int n = 0;
    if (out.r) fds[n++] = {out.r.get(), POLLIN, 0};
    if (err.r) fds[n++] = {err.r.get(), POLLIN, 0};
    if (in.w) fds[n++] = {in.w.get(), POLLOUT, 0};
    int wait_ms = -1;
    if (opts.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = left.count() > 0 ? static_cast<int>(left.count()) : 0;
    }
    int rc = ::poll(fds, n, wait_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      result.timed_out = true;
      child->signal(SIGKILL);
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.w.get()) {
        ssize_t k =
            ::write(in.w.get(), opts.stdin_data.data() + written, opts.stdin_data.size() - written);
        if (k > 0) written += static_cast<size_t>(k);
        if (k < 0 && errno != EAGAIN) written = opts.stdin_data.size();
        if (written >= opts.stdin_data.size()) in.w.reset();
        continue;
      }
      ssize_t k = ::read(fds[i].fd, buf, sizeof buf);
      if (k > 0) {
        std::string& into = fds[i].fd == out.r.get() ? result.out : result.err;
        if (into.size() + static_cast<size_t>(k) > opts.max_output) {
          result.output_overflow = true;
          child->signal(SIGKILL);
          out.r.reset();
          err.r.reset();
          break;
        }
        into.append(buf, static_cast<size_t>(k));
      } else if (k == 0 || errno != EINTR) {
        if (fds[i].fd == out.r.get())
          out.r.reset();
        else
          err.r.reset();
      }
    }
  }
  auto status = child->wait();
  if (!status) return status.error();
  result.exit_code = exit_code_of(*status);
  return result;
}

}  // namespace cx::proc
