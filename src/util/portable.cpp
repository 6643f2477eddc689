// The one file that looks at the CX_HAVE_* macros (cmake/portable.cmake):
// each function is its Linux call under #if, plain POSIX in the #else.
#include "util/portable.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#if CX_HAVE_SIGNALFD
#include <sys/signalfd.h>
#endif
#if CX_HAVE_PR_SET_NAME
#include <sys/prctl.h>
#endif
#if CX_HAVE_NSGETEXECUTABLEPATH
#include <mach-o/dyld.h>
#endif

namespace cx::port {
namespace {

// Sets FD_CLOEXEC on `fd`, and sets or clears O_NONBLOCK as asked.
[[maybe_unused]] bool set_fd_flags(int fd, bool nonblock) {
  const int fd_flags = ::fcntl(fd, F_GETFD);
  const int fl = ::fcntl(fd, F_GETFL);
  return fd_flags >= 0 && fl >= 0 && ::fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) == 0 &&
         ::fcntl(fd, F_SETFL, nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) == 0;
}

// Owns `fd` (a socket just made or accepted) with the flags set; empty,
// with fcntl's errno, if they could not be.
[[maybe_unused]] UniqueFd with_fd_flags(int fd, bool nonblock) {
  UniqueFd owned(fd);
  if (owned && !set_fd_flags(fd, nonblock)) {
    const int err = errno;
    owned.reset();
    errno = err;
  }
  return owned;
}

// realpath(3) of `path`, or empty.
[[maybe_unused]] std::string real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return {};
  std::string out = resolved;
  std::free(resolved);
  return out;
}

// The SignalFd fallback's pipe, for its handler: one SignalFd at a time.
[[maybe_unused]] std::atomic<int> g_signal_pipe{-1};

[[maybe_unused]] void on_signal(int number, siginfo_t* info, void*) {
  const int saved = errno;
  const CaughtSignal caught{number, info ? info->si_code : 0};
  // The pipe does not block: when it is full (that many not taken), the
  // signal is dropped rather than the handler hung.
  (void)!::write(g_signal_pipe.load(), &caught, sizeof caught);
  errno = saved;
}

}  // namespace

bool pipe_cloexec(int fds[2], bool nonblock) {
#if CX_HAVE_PIPE2
  return ::pipe2(fds, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0)) == 0;
#else
  if (::pipe(fds) != 0) return false;
  if (set_fd_flags(fds[0], nonblock) && set_fd_flags(fds[1], nonblock)) return true;
  const int err = errno;
  ::close(fds[0]);
  ::close(fds[1]);
  errno = err;
  return false;
#endif
}

ssize_t splice_nonblocking(int from, int to, size_t len) {
#if CX_HAVE_SPLICE
  // SPLICE_F_MORE is not asked for: on TCP it holds back a last partial
  // segment like MSG_MORE, and the relay cannot know that more will follow.
  // Between the pages of one call the kernel sets MSG_MORE itself.
  return ::splice(from, nullptr, to, nullptr, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
#else
  (void)from;
  (void)to;
  (void)len;
  errno = ENOSYS;
  return -1;
#endif
}

size_t resize_pipe(int fd, size_t bytes) {
#if CX_HAVE_SETPIPE_SZ
  const int asked = static_cast<int>(std::min<size_t>(bytes, INT_MAX));
  (void)::fcntl(fd, F_SETPIPE_SZ, asked);  // refused (EPERM, over a limit): the size it has
  const int now = ::fcntl(fd, F_GETPIPE_SZ);
  return now > 0 ? static_cast<size_t>(now) : 0;
#else
  (void)fd;
  (void)bytes;
  return 0;
#endif
}

UniqueFd socket_cloexec(int domain, int type, int protocol, bool nonblock) {
#if CX_HAVE_SOCK_CLOEXEC
  return UniqueFd(::socket(domain, type | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), protocol));
#else
  return with_fd_flags(::socket(domain, type, protocol), nonblock);
#endif
}

UniqueFd accept_cloexec(int listen_fd, bool nonblock) {
#if CX_HAVE_ACCEPT4 && CX_HAVE_SOCK_CLOEXEC
  return UniqueFd(
      ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0)));
#else
  return with_fd_flags(::accept(listen_fd, nullptr, nullptr), nonblock);
#endif
}

bool allow_nonlocal_bind(int fd) {
#if CX_HAVE_IP_FREEBIND
  // An IPPROTO_IP option that Linux honours on IPv6 sockets as well.
  const int one = 1;
  return ::setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) == 0;
#else
  (void)fd;
  return false;
#endif
}

Result<std::string> self_exe_path(std::string_view argv0) {
#if CX_HAVE_PROC_SELF_EXE
  (void)argv0;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error("/proc/self/exe: " + ec.message());
  return self.string();
#elif CX_HAVE_NSGETEXECUTABLEPATH
  (void)argv0;
  uint32_t size = 0;
  ::_NSGetExecutablePath(nullptr, &size);  // says how big
  std::string path(size, '\0');
  if (::_NSGetExecutablePath(path.data(), &size) != 0)
    return make_error("_NSGetExecutablePath failed");
  path.resize(std::strlen(path.c_str()));
  std::string resolved = real_path(path);  // it may name a symlink
  if (resolved.empty()) return make_error(path + ": " + std::strerror(errno));
  return resolved;
#else
  // As the shell found it: by PATH, unless the name has a slash.
  const std::string name(argv0);
  if (name.empty()) return make_error("argv[0] is empty");
  if (name.find('/') != std::string::npos) {
    std::string resolved = real_path(name);
    if (resolved.empty()) return make_error(name + ": " + std::strerror(errno));
    return resolved;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (!dirs.empty()) {
    const size_t colon = std::min(dirs.find(':'), dirs.size());
    const std::string dir(colon == 0 ? "." : dirs.substr(0, colon));
    dirs.remove_prefix(std::min(colon + 1, dirs.size()));
    std::string resolved = real_path(dir + "/" + name);
    struct stat st {};
    if (!resolved.empty() && ::stat(resolved.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(resolved.c_str(), X_OK) == 0)
      return resolved;
  }
  return make_error(name + " is not on PATH, and this system cannot say where the binary is");
#endif
}

void set_process_name(const char* name) {
#if CX_HAVE_PR_SET_NAME
  ::prctl(PR_SET_NAME, name, 0, 0, 0);
#else
  (void)name;
#endif
}

void close_other_fds(int keep) {
  const unsigned first = 3;
#if CX_HAVE_CLOSE_RANGE
  // Linux before 5.9 has no close_range (ENOSYS): then the loop below.
  const bool below = keep <= 3 || ::close_range(first, static_cast<unsigned>(keep - 1), 0) == 0;
  const unsigned above = keep < 3 ? first : static_cast<unsigned>(keep + 1);
  if (below && ::close_range(above, ~0U, 0) == 0) return;
#endif
  rlimit lim{};
  rlim_t end = 65536;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < end) end = lim.rlim_cur;
  for (int fd = static_cast<int>(first); fd < static_cast<int>(end); ++fd)
    if (fd != keep) ::close(fd);
}

SignalFd::SignalFd(const sigset_t& set) : set_(set) {
#if CX_HAVE_SIGNALFD
  read_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
#else
  int p[2], s[2];
  if (!pipe_cloexec(p, true)) return;
  UniqueFd read_end(p[0]);
  write_.reset(p[1]);
  if (!pipe_cloexec(s)) return;
  stop_read_.reset(s[0]);
  stop_write_.reset(s[1]);
  int none = -1;
  if (!g_signal_pipe.compare_exchange_strong(none, write_.get())) {
    errno = EBUSY;
    return;
  }
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sa.sa_mask);
  bool installed = true;
  for (int sig = 1; sig < NSIG && installed; ++sig) {
    if (sigismember(&set_, sig) != 1) continue;
    struct sigaction old {};
    installed = ::sigaction(sig, &sa, &old) == 0;
    if (installed) saved_.emplace_back(sig, old);
  }
  try {
    // The set is blocked in every other thread, so this one takes them all.
    if (installed)
      thread_ = std::thread([this] {
        pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
        pollfd stop{stop_read_.get(), POLLIN, 0};
        while (::poll(&stop, 1, -1) < 0 && errno == EINTR) {
        }
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
      });
  } catch (const std::system_error& e) {
    errno = e.code().value();
  }
  if (!thread_.joinable()) {
    const int err = errno;
    for (const auto& [sig, old] : saved_) ::sigaction(sig, &old, nullptr);
    g_signal_pipe = -1;
    errno = err;
    return;
  }
  read_ = std::move(read_end);
#endif
}

SignalFd::~SignalFd() {
#if !CX_HAVE_SIGNALFD
  if (!thread_.joinable()) return;
  const char stop = 0;
  (void)!::write(stop_write_.get(), &stop, 1);
  thread_.join();  // from here on no thread has the set unblocked
  for (const auto& [sig, old] : saved_) ::sigaction(sig, &old, nullptr);
  g_signal_pipe = -1;
  // What was not taken is left pending, as signalfd leaves it.
  while (auto caught = take()) ::kill(::getpid(), caught->number);
#endif
}

std::optional<CaughtSignal> SignalFd::take() {
#if CX_HAVE_SIGNALFD
  signalfd_siginfo info{};
  if (::read(read_.get(), &info, sizeof info) != sizeof info) return std::nullopt;
  return CaughtSignal{static_cast<int>(info.ssi_signo), info.ssi_code};
#else
  CaughtSignal caught;
  if (::read(read_.get(), &caught, sizeof caught) != sizeof caught) return std::nullopt;
  return caught;
#endif
}

SignalWaiter::SignalWaiter(const sigset_t& set) : set_(set) {
#if !CX_HAVE_SIGTIMEDWAIT
  fallback_ = std::make_unique<SignalFd>(set_);
#endif
}

SignalWaiter::~SignalWaiter() = default;

std::optional<CaughtSignal> SignalWaiter::wait(std::chrono::nanoseconds timeout) {
  timeout = std::max(timeout, std::chrono::nanoseconds(0));
#if CX_HAVE_SIGTIMEDWAIT
  const timespec ts{static_cast<time_t>(timeout.count() / 1000000000),
                    static_cast<long>(timeout.count() % 1000000000)};
  siginfo_t info{};
  const int number = ::sigtimedwait(&set_, &info, &ts);
  if (number < 0) return std::nullopt;
  return CaughtSignal{number, info.si_code};
#else
  // Rounded up: a wait cut short of the deadline would spin until it.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout);
  if (!fallback_->ok()) {
    std::this_thread::sleep_for(ms);
    return std::nullopt;
  }
  if (auto caught = fallback_->take()) return caught;
  pollfd ready{fallback_->fd(), POLLIN, 0};
  if (::poll(&ready, 1, static_cast<int>(std::min<int64_t>(ms.count(), INT_MAX))) <= 0)
    return std::nullopt;
  return fallback_->take();
#endif
}

}  // namespace cx::port
