#include "config/inference_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace cx::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kProfile =
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
constexpr const char* kOther =
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/otherprofile";

std::optional<ProfileGap> gap(std::map<std::string, std::string, std::less<>> vars) {
  return find_profile_gap(env_from_map(std::move(vars)));
}

std::map<std::string, std::string, std::less<>> all_slots(const std::string& arn) {
  std::map<std::string, std::string, std::less<>> vars{{"ANTHROPIC_MODEL", kProfile}};
  for (std::string_view k : kModelSlotKeys) vars.emplace(std::string(k), arn);
  return vars;
}

TEST(ProfileGap, NoneWithoutAProfileAsTheMainModel) {
  EXPECT_EQ(gap({}), std::nullopt);
  EXPECT_EQ(gap({{"ANTHROPIC_MODEL", "us.anthropic.claude-sonnet-4-20250514-v1:0"}}), std::nullopt);
  EXPECT_EQ(gap({{"ANTHROPIC_MODEL", ""}}), std::nullopt);
  // A system-defined profile is not an application one (and has no tags to lose).
  EXPECT_EQ(gap({{"ANTHROPIC_MODEL",
                  "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.x"}}),
            std::nullopt);
  // The other keys alone do not matter.
  auto vars = all_slots("us.anthropic.claude-3-5-haiku-20241022-v1:0");
  vars.erase("ANTHROPIC_MODEL");
  EXPECT_EQ(gap(vars), std::nullopt);
}

TEST(ProfileGap, NoneWhenEverySlotIsAProfile) {
  EXPECT_EQ(gap(all_slots(kProfile)), std::nullopt);
  // Another profile still attributes its requests.
  EXPECT_EQ(gap(all_slots(kOther)), std::nullopt);
}

TEST(ProfileGap, EverySlotUnset) {
  auto g = gap({{"ANTHROPIC_MODEL", kProfile}});
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->profile, kProfile);
  EXPECT_THAT(g->keys, ElementsAre("ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL",
                                   "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL"));
  const std::string p = kProfile;
  EXPECT_THAT(
      g->lines,
      ElementsAre("ANTHROPIC_DEFAULT_OPUS_MODEL=" + p, "ANTHROPIC_DEFAULT_SONNET_MODEL=" + p,
                  "ANTHROPIC_DEFAULT_HAIKU_MODEL=" + p, "ANTHROPIC_SMALL_FAST_MODEL=" + p));
}

TEST(ProfileGap, OnlyTheSlotsThatAreNotProfiles) {
  auto vars = all_slots(kProfile);
  vars["ANTHROPIC_DEFAULT_HAIKU_MODEL"] = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  vars["ANTHROPIC_SMALL_FAST_MODEL"] = "";
  vars["ANTHROPIC_DEFAULT_OPUS_MODEL"] =
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1";
  auto g = gap(vars);
  ASSERT_TRUE(g.has_value());
  EXPECT_THAT(g->keys, ElementsAre("ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL",
                                   "ANTHROPIC_SMALL_FAST_MODEL"));
  ASSERT_EQ(g->lines.size(), 3u);
  EXPECT_EQ(g->lines[1], std::string("ANTHROPIC_DEFAULT_HAIKU_MODEL=") + kProfile);
}

TEST(ProfileGap, TheLinesReadBackAsTheProfile) {
  // ARNs need no quoting, but the line is written as the config file reads it.
  EXPECT_EQ(profile_line("ANTHROPIC_MODEL", kProfile), std::string("ANTHROPIC_MODEL=") + kProfile);
  EXPECT_EQ(profile_line("K", "a b"), "K='a b'");
}

TEST(ProfileGap, TheWarningNamesTheKeysAndGivesTheLines) {
  auto g = gap({{"ANTHROPIC_MODEL", kProfile}});
  ASSERT_TRUE(g.has_value());
  const std::string w = profile_gap_warning(*g, "/home/u/.claude-exec", {});
  EXPECT_THAT(w, HasSubstr("ANTHROPIC_MODEL is an application inference profile, but "
                           "ANTHROPIC_DEFAULT_OPUS_MODEL, ANTHROPIC_DEFAULT_SONNET_MODEL, "
                           "ANTHROPIC_DEFAULT_HAIKU_MODEL, ANTHROPIC_SMALL_FAST_MODEL are unset"));
  EXPECT_THAT(w, HasSubstr("cost allocation tags"));
  EXPECT_THAT(w, HasSubstr("add to /home/u/.claude-exec:\n"));
  for (const std::string& line : g->lines) EXPECT_THAT(w, HasSubstr("\n    " + line));
  EXPECT_THAT(w, Not(HasSubstr("CX_PASS_ENV")));
}

TEST(ProfileGap, TheWarningForOneKeyAndOneFromTheHost) {
  auto vars = all_slots(kProfile);
  vars.erase("ANTHROPIC_SMALL_FAST_MODEL");
  auto g = gap(vars);
  ASSERT_TRUE(g.has_value());
  const std::string w =
      profile_gap_warning(*g, "cfg", {"GITHUB_TOKEN", "ANTHROPIC_SMALL_FAST_MODEL"});
  EXPECT_THAT(w, HasSubstr("but ANTHROPIC_SMALL_FAST_MODEL is unset or not one"));
  EXPECT_THAT(w, HasSubstr("add to cfg (and remove ANTHROPIC_SMALL_FAST_MODEL from CX_PASS_ENV):"
                           "\n    ANTHROPIC_SMALL_FAST_MODEL="));
  EXPECT_THAT(w, Not(HasSubstr("GITHUB_TOKEN")));
}

}  // namespace
}  // namespace cx::config
