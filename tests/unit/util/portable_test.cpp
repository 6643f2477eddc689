// Each wrapper's behaviour, the same whichever path it took: this file sees
// the CX_HAVE_* macros, and build-portable (CX_PORTABLE_FALLBACKS=ON) runs
// it with none set.
#include "util/portable.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <thread>

#include "util/temp_dir.h"

namespace cx::port {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// Blocks `signals` in this thread (and the threads it starts) while it lives,
// as cx blocks its signals in main.
class Blocked {
 public:
  Blocked(std::initializer_list<int> signals) {
    sigemptyset(&set_);
    for (int s : signals) sigaddset(&set_, s);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~Blocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_{}, old_{};
};

// One byte written to `from` comes out of `to`.
bool carries(int from, int to) {
  char c = 0;
  return ::write(from, "x", 1) == 1 && ::read(to, &c, 1) == 1 && c == 'x';
}

bool readable(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
}

TEST(Portable, PipeIsCloseOnExecAndNonBlockingAsAsked) {
  for (bool nonblock : {false, true}) {
    int fds[2];
    ASSERT_TRUE(pipe_cloexec(fds, nonblock));
    UniqueFd r(fds[0]), w(fds[1]);
    EXPECT_TRUE(cloexec(r.get()) && cloexec(w.get()));
    EXPECT_EQ(nonblocking(r.get()), nonblock);
    EXPECT_EQ(nonblocking(w.get()), nonblock);
    EXPECT_TRUE(carries(w.get(), r.get()));
  }
}

TEST(Portable, SocketIsCloseOnExecAndNonBlockingAsAsked) {
  for (bool nonblock : {false, true}) {
    UniqueFd fd = socket_cloexec(AF_UNIX, SOCK_STREAM, 0, nonblock);
    ASSERT_TRUE(fd);
    EXPECT_TRUE(cloexec(fd.get()));
    EXPECT_EQ(nonblocking(fd.get()), nonblock);
  }
  errno = 0;
  EXPECT_FALSE(socket_cloexec(-1, SOCK_STREAM, 0));
  EXPECT_NE(errno, 0);
}

// Bytes from a socket into a pipe and on into another socket, as the egress
// proxy's tunnels move them; the fallback says ENOSYS, so the caller copies.
TEST(Portable, SplicesBetweenSocketsThroughAPipe) {
  int in[2], out[2], p[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, in), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, out), 0);
  ASSERT_TRUE(pipe_cloexec(p, true));
  UniqueFd in0(in[0]), in1(in[1]), out0(out[0]), out1(out[1]), r(p[0]), w(p[1]);
  const size_t size = resize_pipe(w.get(), 256 * 1024);
#if CX_HAVE_SPLICE
  EXPECT_GE(size, 64u * 1024);
  errno = 0;
  EXPECT_EQ(splice_nonblocking(in1.get(), w.get(), 4096), -1);  // nothing sent yet
  EXPECT_EQ(errno, EAGAIN);
  ASSERT_EQ(::write(in0.get(), "spliced", 7), 7);
  EXPECT_EQ(splice_nonblocking(in1.get(), w.get(), 4096), 7);
  EXPECT_EQ(splice_nonblocking(r.get(), out0.get(), 7), 7);
  char got[8] = {};
  EXPECT_EQ(::read(out1.get(), got, sizeof got), 7);
  EXPECT_STREQ(got, "spliced");
  in0.reset();
  EXPECT_EQ(splice_nonblocking(in1.get(), w.get(), 4096), 0);  // the end of the data
#else
  EXPECT_EQ(size, 0u);
  errno = 0;
  EXPECT_EQ(splice_nonblocking(in1.get(), w.get(), 4096), -1);
  EXPECT_EQ(errno, ENOSYS);
#endif
}

// The listening socket is non-blocking, as the broker's are: an accepted
// socket must get the flags asked for, not the listener's.
TEST(Portable, AcceptsWithTheFlagsAskedForNotTheListeners) {
  auto dir = TempDir::create("cx-portable-");
  ASSERT_TRUE(dir.ok());
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  const std::string path = dir->path() + "/s";
  ASSERT_LT(path.size(), sizeof sa.sun_path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  UniqueFd listener = socket_cloexec(AF_UNIX, SOCK_STREAM, 0, true);
  ASSERT_TRUE(listener);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(listener.get(), 4), 0);

  errno = 0;
  EXPECT_FALSE(accept_cloexec(listener.get(), true));  // nobody is connecting yet
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);

  for (bool nonblock : {false, true}) {
    UniqueFd client = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    ASSERT_TRUE(readable(listener.get(), 5s));
    UniqueFd accepted = accept_cloexec(listener.get(), nonblock);
    ASSERT_TRUE(accepted) << std::strerror(errno);
    EXPECT_TRUE(cloexec(accepted.get()));
    EXPECT_EQ(nonblocking(accepted.get()), nonblock);
    EXPECT_TRUE(carries(client.get(), accepted.get()));
  }
}

// 192.0.2.1 (TEST-NET-1) is on no interface here.
TEST(Portable, BindsAnAddressNotConfiguredOnlyWhereAllowed) {
  UniqueFd fd = socket_cloexec(AF_INET, SOCK_STREAM, 0);
  ASSERT_TRUE(fd);
  const bool allowed = allow_nonlocal_bind(fd.get());
#if CX_HAVE_IP_FREEBIND
  ASSERT_TRUE(allowed);
#else
  EXPECT_FALSE(allowed);
#endif
  if (allowed) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    ASSERT_EQ(::inet_pton(AF_INET, "192.0.2.1", &sa.sin_addr), 1);
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0)
        << std::strerror(errno);
  }
}

// Where the system cannot say, the path is argv[0] as the shell found it:
// given "sh", it is sh's binary.
TEST(Portable, SelfExePathNamesAnExecutable) {
  auto self = self_exe_path("sh");
  ASSERT_TRUE(self.ok()) << self.error().message;
  const fs::path p = *self;
  EXPECT_TRUE(p.is_absolute()) << p;
  EXPECT_TRUE(fs::is_regular_file(p)) << p;
  EXPECT_EQ(::access(p.c_str(), X_OK), 0) << p;
  EXPECT_EQ(fs::canonical(p), p) << "symlinks resolved";
#if CX_HAVE_PROC_SELF_EXE || CX_HAVE_NSGETEXECUTABLEPATH
  EXPECT_EQ(p.filename(), "cx_unit_tests");
#else
  EXPECT_NE(p.filename(), "cx_unit_tests");  // sh, wherever PATH has it
#endif
}

#if !CX_HAVE_PROC_SELF_EXE && !CX_HAVE_NSGETEXECUTABLEPATH
TEST(Portable, SelfExePathFromArgv0) {
  auto relative = self_exe_path("./" + fs::relative("/bin/sh").string());
  ASSERT_TRUE(relative.ok()) << relative.error().message;
  EXPECT_EQ(*relative, fs::canonical("/bin/sh"));
  EXPECT_FALSE(self_exe_path("").ok());
  EXPECT_FALSE(self_exe_path("cx-no-such-binary").ok());
  EXPECT_FALSE(self_exe_path("/nonexistent/cx").ok());
}
#endif

TEST(Portable, SetsTheThreadsName) {
  std::string name;
  std::thread([&] {
    set_process_name("cx-port-test");
#if CX_HAVE_PR_SET_NAME
    std::ifstream("/proc/thread-self/comm") >> name;
#endif
  }).join();
#if CX_HAVE_PR_SET_NAME
  EXPECT_EQ(name, "cx-port-test");
#endif
}

// In a child: it closes everything but 0-2 and the one kept.
TEST(Portable, ClosesEveryOtherDescriptor) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int a = ::open("/dev/null", O_RDONLY);
    const int keep = ::dup(a);
    const int high = ::dup2(a, 200);
    if (a < 3 || keep < 3 || high != 200) ::_exit(2);
    close_other_fds(keep);
    auto open_fd = [](int fd) { return ::fcntl(fd, F_GETFD) >= 0; };
    const bool ok = !open_fd(a) && !open_fd(high) && open_fd(keep) && open_fd(0) && open_fd(1) &&
                    open_fd(2) && errno == EBADF;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Portable, SignalFdDeliversASignal) {
  Blocked blocked({SIGUSR1});
  SignalFd signals(blocked.set());
  ASSERT_TRUE(signals.ok()) << std::strerror(errno);
  EXPECT_TRUE(cloexec(signals.fd()));
  EXPECT_FALSE(signals.take());
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  ASSERT_TRUE(readable(signals.fd(), 5s));
  auto caught = signals.take();
  ASSERT_TRUE(caught);
  EXPECT_EQ(caught->number, SIGUSR1);
  EXPECT_EQ(caught->code, SI_USER);
  EXPECT_FALSE(signals.take());
}

// As with signalfd, a signal nobody took is still pending afterwards (for
// cx: the supervisor's, once ExitOnSignal is gone).
TEST(Portable, SignalFdLeavesWhatItDidNotTakePending) {
  Blocked blocked({SIGUSR1});
  {
    SignalFd signals(blocked.set());
    ASSERT_TRUE(signals.ok()) << std::strerror(errno);
    ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
    ASSERT_TRUE(readable(signals.fd(), 5s));
  }
  sigset_t pending;
  sigpending(&pending);
  ASSERT_EQ(sigismember(&pending, SIGUSR1), 1);
  int sig = 0;
  EXPECT_EQ(sigwait(&blocked.set(), &sig), 0);  // take it: unblocking it would end the test
  EXPECT_EQ(sig, SIGUSR1);
}

#if !CX_HAVE_SIGNALFD
TEST(Portable, TheSignalFdFallbackIsOneAtATime) {
  Blocked blocked({SIGUSR1});
  SignalFd first(blocked.set());
  ASSERT_TRUE(first.ok());
  SignalFd second(blocked.set());
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(errno, EBUSY);
}
#endif

TEST(Portable, SignalWaiterTimesOut) {
  Blocked blocked({SIGUSR1});
  SignalWaiter waiter(blocked.set());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(waiter.wait(50ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
  EXPECT_FALSE(waiter.wait(-1s));
}

TEST(Portable, SignalWaiterTakesPendingAndArrivingSignals) {
  Blocked blocked({SIGUSR1, SIGUSR2});
  SignalWaiter waiter(blocked.set());
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  auto first = waiter.wait(5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->number, SIGUSR1);
  EXPECT_EQ(first->code, SI_USER);

  std::thread sender([] {  // born with the signals blocked, like cx's threads
    std::this_thread::sleep_for(100ms);
    ::kill(::getpid(), SIGUSR2);
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = waiter.wait(5s);
  sender.join();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->number, SIGUSR2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

}  // namespace
}  // namespace cx::port
