#include "proc/tty_prompt.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

namespace cx::proc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const char* kSerial = "arn:aws:iam::123456789012:mfa/alice";

// A real pseudo-terminal pair: the prompt opens the slave by path, the test
// plays the user on the master. The test keeps a slave fd open too, so the
// terminal stays up and its settings can be inspected mid-prompt.
class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ >= 0 && ::grantpt(master_) == 0 && ::unlockpt(master_) == 0)
      slave_path_ = ::ptsname(master_);
    slave_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  }
  ~Pty() {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  bool ok() const { return master_ >= 0 && slave_ >= 0; }
  const std::string& path() const { return slave_path_; }

  // Reads what the prompt wrote until `text` shows up in the new output (or `limit` passes).
  std::string read_until(const std::string& text, std::chrono::milliseconds limit = 5s) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (got.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buf[256];
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  void type(const std::string& keys) {
    ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }
  bool echo_on() const {
    termios t;
    return ::tcgetattr(slave_, &t) == 0 && (t.c_lflag & ECHO) != 0;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string slave_path_;
};

// Runs the prompt on its own thread, as the user answers on the master.
struct Asker {
  std::optional<Result<std::string>> result;
  std::thread thread;
  Asker(const TtyPromptOptions& opts, bool block_sigint = false)
      : thread([this, opts, block_sigint] {
          if (block_sigint) {  // as in cx, where the supervisor takes SIGINT later
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGINT);
            pthread_sigmask(SIG_BLOCK, &set, nullptr);
          }
          result = ask_mfa_code("dev", kSerial, opts);
          if (block_sigint) {
            sigset_t pending;
            sigpending(&pending);
            still_pending = sigismember(&pending, SIGINT) == 1;
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGINT);
            timespec zero{0, 0};
            sigtimedwait(&set, nullptr,
                         &zero);  // consume it: the test stands in for the supervisor
          }
        }) {}
  const Result<std::string>& get() {
    if (thread.joinable()) thread.join();
    return *result;
  }
  std::atomic<bool> still_pending{false};
};

TEST(TtyPrompt, ReadsTheCodeWithEchoOffAndRestoresTheTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  ASSERT_TRUE(pty.echo_on());
  Asker ask({.device = pty.path(), .timeout = 10s});
  std::string shown = pty.read_until("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ");
  EXPECT_THAT(shown, HasSubstr("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "));
  EXPECT_FALSE(pty.echo_on());  // echo is off while the code is typed
  pty.type("123456\n");
  const auto& r = ask.get();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "123456");
  std::string after = pty.read_until("never", 200ms);
  EXPECT_THAT(after, Not(HasSubstr("123456")));  // nothing echoed the digits
  EXPECT_TRUE(pty.echo_on());
}

TEST(TtyPrompt, BadCodesAreAskedAgainUpToTheLimit) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  Asker ask({.device = pty.path(), .timeout = 10s});
  pty.read_until(": ");
  pty.type("12a456\n");
  EXPECT_THAT(pty.read_until("alice: "),
              HasSubstr("The MFA code must be 6 digits.\r\nEnter MFA code for"));
  pty.type("  654321 \n");  // surrounding blanks are forgiven
  const auto& r = ask.get();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "654321");

  Asker three({.device = pty.path(), .timeout = 10s});
  for (const char* bad : {"1\n", "1234567\n", "abcdef\n"}) {
    pty.read_until("alice: ");
    pty.type(bad);
  }
  const auto& fail = three.get();
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.error().message, "no valid MFA code was entered for profile \"dev\"");
  EXPECT_THAT(fail.error().hint, HasSubstr(kSerial));
  EXPECT_TRUE(pty.echo_on());
}

TEST(TtyPrompt, TimeoutAndEndOfInputEndThePrompt) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = ask_mfa_code("dev", kSerial, {.device = pty.path(), .timeout = 200ms});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "no MFA code was entered for profile \"dev\" within 200 ms");
  EXPECT_TRUE(pty.echo_on());
  pty.read_until("never", 100ms);  // drain the old prompt so the next wait sees the new one

  Asker ask({.device = pty.path(), .timeout = 10s});
  pty.read_until(": ");
  pty.type("\x04");  // Ctrl-D
  EXPECT_EQ(ask.get().error().message, "no MFA code was entered for profile \"dev\"");
  EXPECT_TRUE(pty.echo_on());
}

std::atomic<int> g_sigint_seen{0};
void on_sigint(int) { g_sigint_seen = 1; }

TEST(TtyPrompt, SignalRestoresTheTerminalBeforeItIsDelivered) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  struct sigaction act {
  }, old{};
  act.sa_handler = on_sigint;
  sigemptyset(&act.sa_mask);
  ASSERT_EQ(sigaction(SIGINT, &act, &old), 0);
  g_sigint_seen = 0;

  Asker ask({.device = pty.path(), .timeout = 10s});
  pty.read_until(": ");
  pthread_kill(ask.thread.native_handle(), SIGINT);
  const auto& r = ask.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the MFA prompt for profile \"dev\" was interrupted");
  EXPECT_EQ(g_sigint_seen, 1);  // held during the prompt, delivered after it
  EXPECT_TRUE(pty.echo_on());
  sigaction(SIGINT, &old, nullptr);
}

TEST(TtyPrompt, SignalBlockedByCxStaysPendingForTheSupervisor) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  Asker ask({.device = pty.path(), .timeout = 10s}, /*block_sigint=*/true);
  pty.read_until(": ");
  pthread_kill(ask.thread.native_handle(), SIGINT);
  const auto& r = ask.get();
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("interrupted"));
  EXPECT_TRUE(ask.still_pending);
  EXPECT_TRUE(pty.echo_on());
}

TEST(TtyPrompt, NoTerminal) {
  for (const char* device : {"/dev/null", "/nonexistent/tty"}) {
    auto r = ask_mfa_code("dev", kSerial, {.device = device});
    ASSERT_FALSE(r.ok()) << device;
    EXPECT_EQ(r.error().message, "profile \"dev\" needs an MFA code, but there is no terminal to ask on");
    EXPECT_THAT(r.error().hint, HasSubstr("cached"));
  }
}

TEST(TtyPrompt, AskLineEchoesAndTrims) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  EXPECT_TRUE(have_tty(pty.path()));
  EXPECT_FALSE(have_tty("/dev/null"));
  std::optional<Result<std::string>> got;
  std::thread t([&] { got = ask_line("Region [us-east-1]: ", {.device = pty.path(), .timeout = 10s}); });
  EXPECT_THAT(pty.read_until("Region [us-east-1]: "), HasSubstr("Region [us-east-1]: "));
  EXPECT_TRUE(pty.echo_on());  // what is typed here is shown
  pty.type("  eu-west-1 \n");
  t.join();
  ASSERT_TRUE(got->ok()) << got->error().message;
  EXPECT_EQ(**got, "eu-west-1");
  EXPECT_THAT(pty.read_until("eu-west-1", 1s), HasSubstr("eu-west-1"));  // echoed

  auto eof = std::thread([&] { got = ask_line("x: ", {.device = pty.path(), .timeout = 10s}); });
  pty.read_until("x: ");
  pty.type("\x04");
  eof.join();
  ASSERT_FALSE(got->ok());
  EXPECT_THAT(got->error().message, HasSubstr("end of input"));
  EXPECT_FALSE(ask_line("x: ", {.device = "/dev/null"}).ok());
}

TEST(TtyPrompt, ValidCodesAreSixDigits) {
  EXPECT_TRUE(valid_mfa_code("000000"));
  EXPECT_TRUE(valid_mfa_code("987654"));
  for (const char* bad : {"", "12345", "1234567", "12 456", "12345a", "１２３４５６"})
    EXPECT_FALSE(valid_mfa_code(bad)) << bad;
}

}  // namespace
}  // namespace cx::proc
