#include "proc/tty_prompt.h"
#include "util/unique_fd.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace cx::proc {
namespace {

// The signals that end the prompt. SIGTSTP is left alone so that Ctrl-Z still suspends.
sigset_t interrupting_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
  return set;
}

bool interrupt_pending() {
  sigset_t pending;
  if (sigpending(&pending) != 0) return false;
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
    if (sigismember(&pending, s)) return true;
  return false;
}

// Owns the terminal for the prompt's lifetime. The destructor puts the
// settings back first and only then unblocks signals, so a signal that was
// held while echo was off is delivered to a terminal in its old state.
class TtySession {
 public:
  ~TtySession() {
    if (saved_) ::tcsetattr(fd_, TCSANOW, &old_);
    if (masked_) ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    if (fd_ >= 0) ::close(fd_);
  }
  // `echo` false: what is typed is not shown (a code, a secret).
  bool open(const std::string& device, bool echo) {
    fd_ = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0 || !::isatty(fd_)) return false;
    sigset_t set = interrupting_signals();
    masked_ = ::pthread_sigmask(SIG_BLOCK, &set, &old_mask_) == 0;
    if (::tcgetattr(fd_, &old_) != 0) return false;
    saved_ = true;
    termios quiet = old_;
    if (!echo) quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL | ICANON;  // Enter still moves to a new line
    // TCSAFLUSH drops typed-ahead input, which was typed while it would still have been echoed.
    return ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  termios old_{};
  bool saved_ = false;
  sigset_t old_mask_{};
  bool masked_ = false;
};

bool write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

enum class ReadOutcome { kLine, kEof, kTimeout, kInterrupted, kError };

// Reads one line (without its newline, at most `max` bytes kept) before `deadline`, checking for
// pending signals as it waits.
ReadOutcome read_line(int fd, std::chrono::steady_clock::time_point deadline, std::string& line,
                      size_t max = 64) {
  line.clear();
  for (;;) {
    if (interrupt_pending()) return ReadOutcome::kInterrupted;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadOutcome::kTimeout;
    // Short slices: a blocked signal does not wake poll, so it is noticed on the next slice.
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
    if (rc < 0 && errno != EINTR) return ReadOutcome::kError;
    if (rc <= 0) continue;
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ReadOutcome::kError;
    if (n == 0) return line.empty() ? ReadOutcome::kEof : ReadOutcome::kLine;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        explicit_bzero(buf, sizeof buf);
        return ReadOutcome::kLine;
      }
      if (line.size() < max) line += buf[i];  // a longer line is wrong anyway; do not grow
    }
    explicit_bzero(buf, sizeof buf);
  }
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

bool valid_mfa_code(const std::string& code) {
  if (code.size() != 6) return false;
  for (char c : code)
    if (c < '0' || c > '9') return false;
  return true;
}

Result<std::string> ask_mfa_code(const std::string& profile, const std::string& mfa_serial,
                                 const TtyPromptOptions& opts) {
  const std::string of = " for profile \"" + profile + "\"";
  TtySession tty;
  if (!tty.open(opts.device, false))
    return make_error("profile \"" + profile + "\" needs an MFA code, but there is no terminal to ask on",
                      "run cx in a terminal once to enter the code: the MFA session is then "
                      "cached and reused until it expires");
  auto broken = [&] {
    return make_error("the terminal failed while asking for the MFA code" + of + ": " +
                      std::string(strerror(errno)));
  };
  std::string line;
  for (int attempt = 0; attempt < opts.attempts; ++attempt) {
    if (attempt > 0 && !write_all(tty.fd(), "The MFA code must be 6 digits.\n")) return broken();
    if (!write_all(tty.fd(), "Enter MFA code for " + mfa_serial + ": ")) return broken();
    auto outcome = read_line(tty.fd(), std::chrono::steady_clock::now() + opts.timeout, line);
    if (outcome == ReadOutcome::kInterrupted)
      return make_error("the MFA prompt" + of + " was interrupted");
    if (outcome == ReadOutcome::kTimeout) {
      write_all(tty.fd(), "\n");
      auto ms = opts.timeout.count();
      std::string limit =
          ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
      return make_error("no MFA code was entered" + of + " within " + limit,
                        "run cx again and enter the 6-digit code of " + mfa_serial);
    }
    if (outcome == ReadOutcome::kEof)
      return make_error("no MFA code was entered" + of,
                        "run cx again and enter the 6-digit code of " + mfa_serial);
    if (outcome == ReadOutcome::kError) return broken();
    std::string code = trim(line);
    explicit_bzero(line.data(), line.size());
    if (valid_mfa_code(code)) return code;
  }
  return make_error("no valid MFA code was entered" + of,
                    "enter the 6 digits that " + mfa_serial + " shows");
}

bool have_tty(const std::string& device) {
  const UniqueFd fd(::open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  return fd && ::isatty(fd.get());
}

Result<std::string> ask_line(const std::string& prompt, const TtyPromptOptions& opts) {
  TtySession tty;
  if (!tty.open(opts.device, true)) return make_error("there is no terminal to ask on");
  if (!write_all(tty.fd(), prompt)) return make_error("cannot write to the terminal");
  std::string line;
  switch (read_line(tty.fd(), std::chrono::steady_clock::now() + opts.timeout, line, 4096)) {
    case ReadOutcome::kLine:
      return trim(line);
    case ReadOutcome::kInterrupted:
      write_all(tty.fd(), "\n");
      return make_error("interrupted");
    case ReadOutcome::kTimeout:
      write_all(tty.fd(), "\n");
      return make_error("no answer was typed in time");
    case ReadOutcome::kEof:
      return make_error("the terminal closed (end of input)");
    case ReadOutcome::kError:
      break;
  }
  return make_error("the terminal failed: " + std::string(strerror(errno)));
}

}  // namespace cx::proc
