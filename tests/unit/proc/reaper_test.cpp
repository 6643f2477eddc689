#include "proc/reaper.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "proc/spawn.h"
#include "util/temp_dir.h"

namespace cx::proc {
namespace {

namespace fs = std::filesystem;

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool alive(pid_t pid) {
  // A zombie counts as gone: it runs nothing.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

class ReaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("cx-reaper-test-");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
    dir_ = tmp_->path();
  }
  std::optional<TempDir> tmp_;
  std::string dir_;
};

// The whole journal through the real protocol: cx's end closes, the reaper
// kills, runs, appends and removes what is still registered.
TEST_F(ReaperTest, DoesWhatIsStillRegisteredWhenThePipeCloses) {
  const std::string doomed = dir_ + "/broker dir\nwith newline";
  fs::create_directories(doomed + "/sub");
  std::ofstream(doomed + "/token") << "secret";
  const std::string kept = dir_ + "/kept";
  fs::create_directories(kept);
  const std::string log = dir_ + "/audit.jsonl";
  std::ofstream(log) << "{\"event\":\"session_start\"}\n";
  const std::string ran = dir_ + "/ran";

  auto victim = spawn({.argv = {"sleep", "30"}});
  ASSERT_TRUE(victim.ok());

  auto reaper = Reaper::start();
  ASSERT_TRUE(reaper.ok()) << reaper.error().message;
  const pid_t rpid = reaper->pid();
  ASSERT_TRUE(reaper->kill_on_exit(victim->pid()).ok());
  ASSERT_TRUE(reaper->run_on_exit("container", {"sh", "-c", "echo x >>\"$0\"", ran}).ok());
  ASSERT_TRUE(reaper->run_on_exit("forgotten", {"sh", "-c", "touch \"$0\"", dir_ + "/no"}).ok());
  ASSERT_TRUE(reaper->forget("forgotten").ok());
  ASSERT_TRUE(reaper->remove_on_exit(doomed).ok());
  ASSERT_TRUE(reaper->audit_on_exit("audit", log, "session_abandoned").ok());
  { Reaper gone = std::move(*reaper); }  // cx's end closes

  auto st = victim->wait();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(exit_code_of(*st), 128 + SIGKILL);
  // The destructor waited for the reaper: it is done and reaped (no zombie).
  EXPECT_NE(::kill(rpid, 0), 0);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(fs::exists(doomed));
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_FALSE(fs::exists(dir_ + "/no"));
  // Run twice: a second pass catches a container a daemon created late.
  EXPECT_EQ(slurp(ran), "x\nx\n");
  const std::string audit = slurp(log);
  EXPECT_NE(audit.find("\"event\":\"session_abandoned\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"time\":\""), std::string::npos) << audit;
}

// What cx's end forgot is not done; removal of what is already gone is a
// no-op; a symlink registered for removal is removed, its target kept.
TEST_F(ReaperTest, ForgottenEntriesAndSymlinks) {
  const std::string target = dir_ + "/outside";
  fs::create_directories(target);
  std::ofstream(target + "/precious") << "keep me";
  const std::string link = dir_ + "/link";
  fs::create_directory_symlink(target, link);
  const std::string log = dir_ + "/audit.jsonl";
  std::ofstream(log) << "";

  auto reaper = Reaper::start();
  ASSERT_TRUE(reaper.ok());
  const pid_t rpid = reaper->pid();
  ASSERT_TRUE(reaper->remove_on_exit(link).ok());
  ASSERT_TRUE(reaper->remove_on_exit(dir_ + "/never-existed").ok());
  ASSERT_TRUE(reaper->audit_on_exit("audit", log, "session_abandoned").ok());
  ASSERT_TRUE(reaper->forget("audit").ok());
  { Reaper gone = std::move(*reaper); }
  EXPECT_NE(::kill(rpid, 0), 0) << "the destructor waits for the reaper";
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
  EXPECT_EQ(slurp(target + "/precious"), "keep me");
  EXPECT_EQ(slurp(log), "");
}

// The point of it: the process that owns the pipe is killed with SIGKILL,
// and what it registered is undone anyway, from outside.
TEST_F(ReaperTest, SigkillOfTheOwnerStillCleansUp) {
  const std::string doomed = dir_ + "/session";
  fs::create_directories(doomed);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t owner = ::fork();
  ASSERT_GE(owner, 0);
  if (owner == 0) {
    ::close(ready[0]);
    auto r = Reaper::start();
    if (!r.ok() || !r->remove_on_exit(doomed).ok()) ::_exit(1);
    pid_t rp = r->pid();
    (void)!::write(ready[1], &rp, sizeof rp);
    for (;;) ::pause();  // until SIGKILL
  }
  ::close(ready[1]);
  pid_t rpid = -1;
  ASSERT_EQ(::read(ready[0], &rpid, sizeof rpid), static_cast<ssize_t>(sizeof rpid));
  ::close(ready[0]);
  EXPECT_TRUE(fs::exists(doomed));
  // Signals the owner would forward do not stop the reaper.
  ::kill(rpid, SIGTERM);
  ::kill(rpid, SIGINT);
  ::kill(rpid, SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(alive(rpid));
  EXPECT_TRUE(fs::exists(doomed));
  ::kill(owner, SIGKILL);
  ASSERT_TRUE(wait_for(owner).ok());
  EXPECT_TRUE(wait_until([&] { return !fs::exists(doomed); }, std::chrono::seconds(5)));
  EXPECT_TRUE(wait_until([&] { return !alive(rpid); }, std::chrono::seconds(5)));
}

// The reaper runs in a session of its own, so a terminal's signals to the
// foreground process group do not reach it.
TEST_F(ReaperTest, RunsInItsOwnSession) {
  auto reaper = Reaper::start();
  ASSERT_TRUE(reaper.ok());
  const pid_t rpid = reaper->pid();
  EXPECT_TRUE(wait_until([&] { return ::getsid(rpid) == rpid; }, std::chrono::seconds(2)));
  EXPECT_NE(::getsid(rpid), ::getsid(0));
  { Reaper gone = std::move(*reaper); }
  EXPECT_NE(::kill(rpid, 0), 0) << "the destructor waits for the reaper";
}

// Only cx writes to the pipe, but a torn or malformed message must not make
// the reaper act on garbage: run_reaper on raw bytes.
TEST_F(ReaperTest, MalformedMessagesAreIgnored) {
  const std::string doomed = dir_ + "/d";
  fs::create_directories(doomed);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  const std::string good = "6:remove,7:path:/x," + std::to_string(doomed.size()) + ":" + doomed +
                           ",\n";
  const std::string bad = "4:kill,5:pid:1,1:1,\n"    // pid 1 is never killed
                          "3:run,1:k,\n"             // run without argv
                          "6:remove,1:k,3:rel,\n"    // relative path
                          "99999999999:x,\n"         // absurd length
                          "zz:garbage\n";
  const std::string all = good + bad;
  ASSERT_EQ(::write(p[1], all.data(), all.size()), static_cast<ssize_t>(all.size()));
  ::close(p[1]);
  EXPECT_EQ(run_reaper(p[0]), 1);
  ::close(p[0]);
  EXPECT_FALSE(fs::exists(doomed));
}

}  // namespace
}  // namespace cx::proc
