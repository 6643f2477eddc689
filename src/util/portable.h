#pragma once
// The system calls that only Linux has, each behind one function: the Linux
// call where CMake found it (a CX_HAVE_* macro, seen only by portable.cpp),
// plain POSIX elsewhere (macOS, the BSDs). -DCX_PORTABLE_FALLBACKS=ON
// forces every fallback, so Linux CI compiles and unit-tests them too
// (scripts/test builds that tree). Each comment says what the fallback loses.

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "util/result.h"
#include "util/unique_fd.h"

namespace cx::port {

// pipe2 with O_CLOEXEC (and O_NONBLOCK if asked) on both ends; false with
// errno set. Fallback: pipe, then fcntl on each end. Lost: atomicity, so a
// child spawned by another thread between the two calls inherits the ends.
bool pipe_cloexec(int fds[2], bool nonblock = false);

// Moves up to `len` bytes from `from` to `to`, one of which is a pipe, inside
// the kernel (Linux's splice(2), not blocking on the pipe: SPLICE_F_NONBLOCK;
// the socket must be non-blocking itself). Returns the count moved, 0 at the
// end of `from`'s data, or -1 with errno (EAGAIN: nothing to move, or no room,
// now). Into a socket whose peer has gone it raises SIGPIPE, as splice has no
// MSG_NOSIGNAL: the calling thread must block or ignore it. Fallback: -1 with
// ENOSYS; the caller copies through its own buffer with read and write.
ssize_t splice_nonblocking(int from, int to, size_t len);

// Asks that the pipe `fd` hold `bytes` (F_SETPIPE_SZ, which the kernel rounds
// up to pages and caps by /proc/sys/fs/pipe-max-size for a user without
// CAP_SYS_RESOURCE); returns what the pipe holds now, 0 when it cannot say.
// Fallback: nothing asked, 0.
size_t resize_pipe(int fd, size_t bytes);

// socket with SOCK_CLOEXEC (and SOCK_NONBLOCK if asked); empty with errno
// set. Fallback: socket, then fcntl, with the same window as pipe_cloexec.
UniqueFd socket_cloexec(int domain, int type, int protocol, bool nonblock = false);

// accept4 with SOCK_CLOEXEC (and SOCK_NONBLOCK if asked), without the peer's
// address; empty with errno set. Fallback: accept, then fcntl (the same
// window); O_NONBLOCK is set or cleared as asked, whatever the listening
// socket has (BSD sockets inherit it from there, Linux ones do not).
UniqueFd accept_cloexec(int listen_fd, bool nonblock = false);

// Lets the IPv4 or IPv6 socket `fd` bind to an address this host does not
// have (yet), as Linux's IP_FREEBIND. False where there is no such option
// or it was refused: a bind to such an address then fails (EADDRNOTAVAIL).
bool allow_nonlocal_bind(int fd);

// The absolute path of the running executable, symlinks resolved: Linux's
// /proc/self/exe, macOS's _NSGetExecutablePath. Fallback: `argv0` (the
// process's argv[0]) resolved against PATH, or against the working
// directory if it has a slash. Lost: an argv[0] the parent made up, or a
// working directory changed since the start, gives a wrong path or an error.
Result<std::string> self_exe_path(std::string_view argv0);

// Names the calling thread (the process, when it is the only one) as ps and
// top show it, as prctl(PR_SET_NAME). Fallback: nothing (ps shows the
// executable's name).
void set_process_name(const char* name);

// Closes every descriptor from 3 up but `keep`, as close_range. For a child
// after fork: it takes no lock and allocates nothing. Fallback: close() on
// each number below the descriptor limit, capped at 65536; a descriptor
// numbered higher stays open.
void close_other_fds(int keep);

// One signal taken off the pending set: its number and si_code (SI_USER
// when kill(2) sent it; a terminal's Ctrl-C comes from the kernel).
struct CaughtSignal {
  int number = 0;
  int code = 0;
};

// The signals of `set`, which must be blocked in every thread, as a
// descriptor that turns readable when one arrives, to poll beside others
// (Linux's signalfd). Fallback, the self-pipe trick: a thread of its own
// unblocks them, and their handler writes each to a pipe; what was not taken
// when the SignalFd goes is raised again, so it stays pending as signalfd
// leaves it. Lost: one at a time per process (the handlers are process-wide;
// a second fails with EBUSY); a signal sent to one thread (pthread_kill) is
// not seen; a raised-again one reads as sent by kill(2); the handlers replace
// the set's dispositions while it lives.
class SignalFd {
 public:
  explicit SignalFd(const sigset_t& set);
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  // False (errno set by the constructor) when it could not be made.
  bool ok() const { return static_cast<bool>(read_); }
  int fd() const { return read_.get(); }

  // Takes one signal that has arrived, without waiting; nullopt if none has.
  std::optional<CaughtSignal> take();

 private:
  sigset_t set_{};
  UniqueFd read_;  // the signalfd, or the fallback's pipe
  // The fallback's: the pipe's write end, the dispositions it replaced, the
  // thread that has the signals unblocked and the pipe that stops it.
  UniqueFd write_, stop_read_, stop_write_;
  std::vector<std::pair<int, struct sigaction>> saved_;
  std::thread thread_;
};

// Takes the signals of `set` (blocked in every thread) one at a time,
// waiting up to a timeout: sigtimedwait. Fallback: a SignalFd and poll(),
// in whole milliseconds; while another SignalFd lives it cannot take
// signals and only sleeps out the timeout.
class SignalWaiter {
 public:
  explicit SignalWaiter(const sigset_t& set);
  ~SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // One signal, or nullopt when `timeout` passed (or a handler interrupted).
  std::optional<CaughtSignal> wait(std::chrono::nanoseconds timeout);

 private:
  sigset_t set_{};
  std::unique_ptr<SignalFd> fallback_;
};

}  // namespace cx::port
