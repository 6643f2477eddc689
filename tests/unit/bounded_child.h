#pragma once
// Runs a piece of a test in a child process with a cap on its memory and its
// time, for tests that feed cx a resource bomb (/dev/zero, a FIFO, a doubling
// expansion): code that regresses fails the test instead of hanging the
// suite or filling the machine's memory.

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <functional>
#include <string>

namespace cx::test_util {

// ASan reserves terabytes of address space for its shadow, so an RLIMIT_AS
// cap is only set without it; the time cap applies in every build.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kCanCapAddressSpace = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kCanCapAddressSpace = false;
#else
inline constexpr bool kCanCapAddressSpace = true;
#endif
#else
inline constexpr bool kCanCapAddressSpace = true;
#endif

// Returns what `fn` returned in a child process limited to `max_memory` bytes
// of address space and `seconds` of wall-clock time, or how the child ended
// ("child killed by signal 14", "child exited with 3") when it did not finish.
inline std::string in_bounded_child(const std::function<std::string()>& fn,
                                    std::size_t max_memory = std::size_t{1} << 30,
                                    unsigned seconds = 10) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(fds[0]);
    if (kCanCapAddressSpace) {
      const rlimit cap{max_memory, max_memory};
      ::setrlimit(RLIMIT_AS, &cap);
    }
    ::alarm(seconds);
    const std::string out = fn();
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(2);
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return "child killed by signal " + std::to_string(WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) return "child exited with " + std::to_string(WEXITSTATUS(status));
  return out;
}

}  // namespace cx::test_util
