#include "cli/init.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "config/parser.h"
#include "config/settings.h"
#include "config/embedded_example.h"
#include "config/inference_profile.h"

namespace cx::cli {
namespace {

using ::testing::Contains;

const InitValues kValues{.runtime = "podman",
                         .image = "localhost/cx:1",
                         .role = "arn:aws:iam::123456789012:role/Agent",
                         .region = "eu-west-1",
                         .profile = "dev team"};

config::Settings read_back(const std::string& text) {
  EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/u");
    return std::nullopt;
  };
  auto file = config::parse_config(text, "/home/u/.claude-exec", env);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
  auto s = config::build_settings(std::move(*file), env);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return *s;
}

TEST(InitConfigText, TheExampleWithTheChosenValues) {
  auto text = init_config_text(kValues);
  ASSERT_TRUE(text.ok()) << text.error().message;
  const config::Settings s = read_back(*text);
  EXPECT_EQ(s.runtime, "podman");
  EXPECT_EQ(s.image_tag, "localhost/cx:1");
  EXPECT_EQ(s.aws_iam_role, "arn:aws:iam::123456789012:role/Agent");
  EXPECT_EQ(s.aws_region, "eu-west-1");
  EXPECT_EQ(s.aws_profile, "dev team");
  EXPECT_EQ(s.claude_code_use_bedrock, "1");
  // Everything else is the example, comments included, line for line.
  std::istringstream a{std::string(embedded::config_example)}, b{*text};
  std::string la, lb;
  int changed = 0, lines = 0;
  while (std::getline(a, la)) {
    ASSERT_TRUE(std::getline(b, lb));
    ++lines;
    if (la != lb) ++changed;
  }
  EXPECT_FALSE(std::getline(b, lb));
  EXPECT_EQ(changed, 5);
  EXPECT_GT(lines, 50);
}

constexpr const char* kArn =
    "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

TEST(InitConfigText, WithoutAnInferenceProfileTheModelKeysStayComments) {
  auto text = init_config_text(kValues);
  ASSERT_TRUE(text.ok());
  const config::Settings s = read_back(*text);
  EXPECT_EQ(s.anthropic_model, std::nullopt);
  for (std::string_view k : config::kModelSlotKeys) {
    EXPECT_EQ(s.lookup(k), std::nullopt) << k;
    EXPECT_NE(text->find("\n# " + std::string(k) + "=arn:"), std::string::npos) << k;
  }
}

TEST(InitConfigText, AnInferenceProfileForEveryModel) {
  InitValues v = kValues;
  v.inference_profile = kArn;
  auto text = init_config_text(v);
  ASSERT_TRUE(text.ok()) << text.error().message;
  const config::Settings s = read_back(*text);
  EXPECT_EQ(s.anthropic_model, kArn);
  // Each key is a line of its own, as doctor suggests them, and reaches the container.
  EXPECT_NE(text->find(std::string("\nANTHROPIC_MODEL=") + kArn + "\n"), std::string::npos);
  for (std::string_view k : config::kModelSlotKeys) {
    EXPECT_NE(text->find("\n" + config::profile_line(k, kArn) + "\n"), std::string::npos) << k;
    EXPECT_THAT(s.forward, Contains(config::EnvVar{std::string(k), kArn})) << k;
  }
  EXPECT_THAT(s.forward, Contains(config::EnvVar{"ANTHROPIC_MODEL", kArn}));
  EXPECT_EQ(config::find_profile_gap([&](std::string_view k) { return s.lookup(k); }),
            std::nullopt);
  // The example otherwise, line for line: the five keys of kValues and these five.
  std::istringstream a{std::string(embedded::config_example)}, b{*text};
  std::string la, lb;
  int changed = 0;
  while (std::getline(a, la) && std::getline(b, lb))
    if (la != lb) ++changed;
  EXPECT_EQ(changed, 10);
}

TEST(InitConfigText, DefaultProfileStaysAComment) {
  InitValues v = kValues;
  v.profile = "default";
  auto text = init_config_text(v);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\n# AWS_PROFILE=default\n"), std::string::npos);
  EXPECT_EQ(read_back(*text).aws_profile_explicit, false);
}

}  // namespace
}  // namespace cx::cli
