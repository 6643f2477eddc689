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

namespace cx::cli {
namespace {

TEST(ClaudeState, NewestConversationIsTheNewestTranscriptShapedLikeAnId) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/cx-cs-XXXXXX";
  const fs::path dir = ::mkdtemp(tmpl);
  const fs::path conv = dir / "projects" / "-src";
  fs::create_directories(conv);
  const auto now = fs::file_time_type::clock::now();
  auto touch = [&](const std::string& name, std::chrono::seconds age) {
    std::ofstream(conv / name) << "{}\n";
    fs::last_write_time(conv / name, now - age);
  };
  const std::string older = "0b7c5d0e-1111-4a2b-8c3d-0123456789ab";
  const std::string newer = "9f1e2d3c-2222-4a2b-8c3d-0123456789ab";
  EXPECT_EQ(newest_conversation(dir.string(), now - std::chrono::seconds(60)), "");
  touch(older + ".jsonl", std::chrono::seconds(30));
  touch(newer + ".jsonl", std::chrono::seconds(10));
  touch("not-an-id.jsonl", std::chrono::seconds(1));               // the agent's own file
  touch("aaaaaaaa-3333-4a2b-8c3d-0123456789ab.txt", std::chrono::seconds(1));
  // A symlink is skipped however new (its name still prints, but points anywhere).
  fs::create_symlink("/etc/passwd", conv / "bbbbbbbb-4444-4a2b-8c3d-0123456789ab.jsonl");
  EXPECT_EQ(newest_conversation(dir.string(), now - std::chrono::seconds(60)), newer);
  // Only what changed during the session counts.
  EXPECT_EQ(newest_conversation(dir.string(), now - std::chrono::seconds(20)), newer);
  EXPECT_EQ(newest_conversation(dir.string(), now - std::chrono::seconds(5)), "");
  EXPECT_EQ(newest_conversation((dir / "nowhere").string(), now), "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cx::cli
