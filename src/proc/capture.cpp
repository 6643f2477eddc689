#include "proc/capture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "proc/spawn.h"

namespace cx::proc {
namespace {

struct Pipe {
  int r = -1, w = -1;
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
  void close_r() {
    if (r >= 0) ::close(r), r = -1;
  }
  void close_w() {
    if (w >= 0) ::close(w), w = -1;
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
  so.stdin_fd = in.r;
  so.stdout_fd = out.w;
  so.stderr_fd = opts.pass_stderr ? -1 : err.w;
  auto child = spawn(so);
  if (!child) return child.error();
  in.close_r();
  out.close_w();
  err.close_w();
  ::fcntl(in.w, F_SETFL, O_NONBLOCK);

  CaptureResult result;
  size_t written = 0;
  if (opts.stdin_data.empty()) in.close_w();
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  char buf[16384];
  while (out.r >= 0 || err.r >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out.r >= 0) fds[n++] = {out.r, POLLIN, 0};
    if (err.r >= 0) fds[n++] = {err.r, POLLIN, 0};
    if (in.w >= 0) fds[n++] = {in.w, POLLOUT, 0};
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
      if (fds[i].fd == in.w) {
        ssize_t k =
            ::write(in.w, opts.stdin_data.data() + written, opts.stdin_data.size() - written);
        if (k > 0) written += static_cast<size_t>(k);
        if (k < 0 && errno != EAGAIN) written = opts.stdin_data.size();
        if (written >= opts.stdin_data.size()) in.close_w();
        continue;
      }
      ssize_t k = ::read(fds[i].fd, buf, sizeof buf);
      if (k > 0) {
        (fds[i].fd == out.r ? result.out : result.err).append(buf, static_cast<size_t>(k));
      } else if (k == 0 || errno != EINTR) {
        if (fds[i].fd == out.r)
          out.close_r();
        else
          err.close_r();
      }
    }
  }
  auto status = child->wait();
  if (!status) return status.error();
  result.exit_code = exit_code_of(*status);
  return result;
}

}  // namespace cx::proc
