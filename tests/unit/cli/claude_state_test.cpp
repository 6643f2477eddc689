#include "cli/claude_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace cx::cli {
namespace {

namespace fs = std::filesystem;

TEST(ClaudeState, OnePerProjectPathSharedOrNone) {
  auto env = env_from_map({{"XDG_STATE_HOME", "/state"}});
  std::string a = claude_state_dir(config::PersistMode::kProject, "/home/u/src/app", env);
  std::string b = claude_state_dir(config::PersistMode::kProject, "/home/u/other/app", env);
  EXPECT_EQ(a.rfind("/state/cx/claude/projects/", 0), 0u) << a;
  EXPECT_NE(a, b);  // same basename, different projects
  EXPECT_EQ(a.substr(a.size() - 4), "-app");
  EXPECT_EQ(a, claude_state_dir(config::PersistMode::kProject, "/home/u/src/app", env));
  EXPECT_EQ(claude_state_dir(config::PersistMode::kShared, "/x", env), "/state/cx/claude/shared");
  EXPECT_EQ(claude_state_dir(config::PersistMode::kNone, "/x", env), "");
}

TEST(ClaudeState, SeedsOnboardingAndTrustOnceAndKeepsExistingState) {
  char tmpl[] = "/tmp/cx-cs-XXXXXX";
  fs::path dir = fs::path(::mkdtemp(tmpl)) / "state";
  ASSERT_TRUE(prepare_claude_state(dir.string()).ok());
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  std::ifstream in(dir / ".claude.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["hasCompletedOnboarding"], true);
  EXPECT_EQ(j["projects"]["/src"]["hasTrustDialogAccepted"], true);
  // Claude's own later state is never overwritten.
  std::ofstream(dir / ".claude.json") << "{\"mine\":1}";
  ASSERT_TRUE(prepare_claude_state(dir.string()).ok());
  std::ifstream again(dir / ".claude.json");
  EXPECT_EQ(nlohmann::json::parse(again)["mine"], 1);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace cx::cli
