#include "proc/spawn.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <signal.h>
#include <unistd.h>

#include "proc/capture.h"
#include "proc/signals.h"
#include "proc/supervisor.h"

namespace cx::proc {
namespace {

TEST(Spawn, ExitCodePassesThrough) {
  auto pid = spawn({.argv = {"sh", "-c", "exit 7"}});
  ASSERT_TRUE(pid.ok());
  auto st = pid->wait();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(exit_code_of(*st), 7);
}

TEST(Spawn, SignalDeathIs128PlusN) {
  auto pid = spawn({.argv = {"sh", "-c", "kill -TERM $$"}});
  ASSERT_TRUE(pid.ok());
  EXPECT_EQ(exit_code_of(*pid->wait()), 128 + SIGTERM);
}

// The observer (the session's reaper) hears of every child started, and of
// its reaping whether by Child::wait, capture or supervise; a failed start is
// not reported.
TEST(Spawn, ObserverSeesEveryChildStartedAndReaped) {
  struct Log : ChildObserver {
    std::vector<pid_t> started_pids, reaped_pids;
    void started(pid_t pid) override { started_pids.push_back(pid); }
    void reaped(pid_t pid) override { reaped_pids.push_back(pid); }
  } log;
  set_child_observer(&log);
  auto a = spawn({.argv = {"true"}});
  ASSERT_TRUE(a.ok());
  const pid_t a_pid = a->pid();
  ASSERT_TRUE(a->wait().ok());
  EXPECT_FALSE(spawn({.argv = {"/no/such/program"}}).ok());
  auto out = capture({.argv = {"sh", "-c", "echo hi"}});
  ASSERT_TRUE(out.ok());
  set_child_observer(nullptr);
  ASSERT_EQ(log.started_pids.size(), 2u);
  EXPECT_EQ(log.started_pids[0], a_pid);
  EXPECT_EQ(log.reaped_pids, log.started_pids);
}

// A Child that goes out of scope unreaped (an error path) is killed and
// reaped: no process outlives it, no zombie is left.
TEST(Spawn, AnUnwaitedChildIsKilledAndReaped) {
  pid_t pid = -1;
  {
    auto c = spawn({.argv = {"sleep", "30"}});
    ASSERT_TRUE(c.ok());
    pid = c->pid();
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_NE(::kill(pid, 0), 0) << "still there (running or a zombie)";
  EXPECT_EQ(errno, ESRCH);
  // Moved from: only the new owner reaps.
  auto a = spawn({.argv = {"sh", "-c", "exit 3"}});
  ASSERT_TRUE(a.ok());
  Child b = std::move(*a);
  EXPECT_EQ(a->pid(), -1);
  auto st = b.wait();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(exit_code_of(*st), 3);
  EXPECT_FALSE(b.wait().ok()) << "reaped exactly once";
}

TEST(Spawn, MissingProgramIsAnError) {
  auto pid = spawn({.argv = {"cx-no-such-program-xyz"}});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.error().message.find("not found on PATH"), std::string::npos);
}

TEST(Spawn, ChildGetsExactEnvironment) {
  auto r = capture({.argv = {"/usr/bin/env"}, .env = std::vector<std::string>{"ONLY=this"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "ONLY=this\n");
}

TEST(Spawn, ChildSignalMaskAndDispositionsAreReset) {
  // cx blocks SIGINT/SIGTERM and ignores SIGPIPE; the child must see neither.
  block_session_signals();
  auto r = capture({.argv = {"sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"}});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->out.find("SigBlk:\t0000000000000000"), std::string::npos) << r->out;
  // SigIgn is a hex mask; bit N-1 stands for signal N. SIGPIPE must not be ignored.
  auto pos = r->out.find("SigIgn:\t");
  ASSERT_NE(pos, std::string::npos);
  unsigned long long ignored = std::stoull(r->out.substr(pos + 8, 16), nullptr, 16);
  EXPECT_EQ(ignored & (1ULL << (SIGPIPE - 1)), 0u) << r->out;
  sigset_t set = session_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_DFL);
}

TEST(Capture, CollectsStdoutStderrAndStdin) {
  auto r = capture({.argv = {"sh", "-c", "cat; echo oops >&2; exit 3"}, .stdin_data = "hello"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "hello");
  EXPECT_EQ(r->err, "oops\n");
  EXPECT_EQ(r->exit_code, 3);
}

TEST(Capture, TimeoutKillsTheChild) {
  auto r = capture({.argv = {"sleep", "5"}, .timeout = std::chrono::milliseconds(200)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
}

// A child that writes without end (/dev/zero) is stopped at the cap: cx
// never holds more than max_output of it.
TEST(Capture, OutputOverTheCapKillsTheChild) {
  auto r = capture({.argv = {"cat", "/dev/zero"}, .timeout = std::chrono::seconds(20),
                    .max_output = 1u << 20});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->output_overflow);
  EXPECT_FALSE(r->timed_out);
  EXPECT_LE(r->out.size(), 1u << 20);
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
  auto small = capture({.argv = {"sh", "-c", "printf 12345"}, .max_output = 5});
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(small->output_overflow);
  EXPECT_EQ(small->out, "12345");
}

TEST(Supervise, ForwardsTermToChild) {
  block_session_signals();
  auto pid = spawn({.argv = {"sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.05; done"}});
  ASSERT_TRUE(pid.ok());
  usleep(200000);  // let the shell install its trap
  ::kill(getpid(), SIGTERM);
  EXPECT_EQ(supervise(*pid), 42);
  sigset_t set = session_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_DFL);
}

}  // namespace
}  // namespace cx::proc

namespace cx::proc {
namespace {

// The supervisor sleeps in sigtimedwait while the child runs: waiting for a
// 1 s child must cost cx almost no CPU time (it once spun at 90%).
TEST(Supervise, WaitsWithoutSpinning) {
  block_session_signals();
  auto pid = spawn({.argv = {"sleep", "1"}});
  ASSERT_TRUE(pid.ok());
  timespec before{}, after{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
  EXPECT_EQ(supervise(*pid), 0);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
  double cpu = (after.tv_sec - before.tv_sec) + (after.tv_nsec - before.tv_nsec) / 1e9;
  EXPECT_LT(cpu, 0.2) << "CPU seconds spent supervising a 1 s child";
  sigset_t set = session_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_DFL);
}

}  // namespace
}  // namespace cx::proc
