// Runs every case of the cross-SDK profile parser suite
// (tests/data/aws-profile/profile-parser-tests.json, from smithy-rs) against
// parse_profile_files, plus the merge rules the suite leaves implicit.

#include "aws/profile/profile_set.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace cx::aws::profile {
namespace {

using nlohmann::json;

struct ParserCase {
  std::string name;
  json input;
  json output;
};

// Lets gtest and ctest show the case by its words, not its bytes.
void PrintTo(const ParserCase& c, std::ostream* os) { *os << c.name; }

std::vector<ParserCase> load_cases() {
  std::ifstream in(std::string(CX_TESTDATA_DIR) + "/aws-profile/profile-parser-tests.json");
  json doc = json::parse(in);
  std::vector<ParserCase> cases;
  for (const json& t : doc.at("tests"))
    cases.push_back({t.at("name"), t.at("input"), t.at("output")});
  return cases;
}

std::map<std::string, Properties> to_sections(const json& j) {
  std::map<std::string, Properties> out;
  for (const auto& [name, props] : j.items()) {
    Properties& p = out[name];
    for (const auto& [k, v] : props.items()) p[k] = v.get<std::string>();
  }
  return out;
}

class ProfileParserSuite : public testing::TestWithParam<ParserCase> {};

TEST_P(ProfileParserSuite, Case) {
  const ParserCase& c = GetParam();
  auto set =
      parse_profile_files(c.input.value("configFile", ""), c.input.value("credentialsFile", ""));
  if (c.output.contains("errorContaining")) {
    ASSERT_FALSE(set.ok()) << c.name;
    EXPECT_NE(set.error().message.find(c.output["errorContaining"].get<std::string>()),
              std::string::npos)
        << set.error().message;
    EXPECT_FALSE(set.error().hint.empty());
    return;
  }
  ASSERT_TRUE(set.ok()) << c.name << ": " << set.error().message;
  const json& config = c.output.at("config");
  EXPECT_EQ(set->profiles, to_sections(config.at("profiles")));
  if (config.contains("sso_sessions")) {
    EXPECT_EQ(set->sso_sessions, to_sections(config["sso_sessions"]));
  }
}

// The suite has duplicate names, so each test is named by index and the case's words.
std::string case_name(const testing::TestParamInfo<ParserCase>& info) {
  std::string n = std::to_string(info.index) + "_";
  for (char c : info.param.name) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Smithy, ProfileParserSuite, testing::ValuesIn(load_cases()), case_name);

TEST(ProfileSet, SuiteHasAllCases) { EXPECT_EQ(load_cases().size(), 65u); }

TEST(ProfileSet, ErrorsNameFileAndLine) {
  auto set = parse_profile_files("[profile a]\nx = 1\nbogus\n", "", "/tmp/cfg");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, "/tmp/cfg, line 3: Expected an '=' sign defining a property");
  auto creds = parse_profile_files("", "x = 1", "/tmp/cfg", "/tmp/creds");
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().message,
            "/tmp/creds, line 1: Expected a profile definition, found a property");
}

TEST(ProfileSet, CredentialsDefaultMergesWithConfigDefault) {
  auto set =
      parse_profile_files("[default]\nregion = eu-west-1\n", "[default]\naws_access_key_id = AK\n");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->profiles.at("default"),
            (Properties{{"region", "eu-west-1"}, {"aws_access_key_id", "AK"}}));
}

TEST(ProfileSet, SsoSessionsOnlyComeFromConfig) {
  auto set = parse_profile_files("", "[sso-session s]\nsso_region = x\n");
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->sso_sessions.empty());
  EXPECT_TRUE(set->profiles.empty());  // "sso-session s" has a space: not a valid name
}

TEST(ProfileSet, IndentedCommentLinesAreComments) {
  auto set = parse_profile_files("[profile a]\nx = 1\n  # note\ny = 2\n", "");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->profiles.at("a"), (Properties{{"x", "1"}, {"y", "2"}}));
}

TEST(ProfileSet, GetTreatsEmptyAsAbsent) {
  Properties p{{"aws_session_token", ""}, {"region", "us-east-1"}};
  EXPECT_EQ(get(p, "aws_session_token"), std::nullopt);
  EXPECT_EQ(get(p, "region"), "us-east-1");
  EXPECT_EQ(get(p, "missing"), std::nullopt);
}

}  // namespace
}  // namespace cx::aws::profile
