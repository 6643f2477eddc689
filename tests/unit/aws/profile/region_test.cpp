#include "aws/profile/region.h"

#include <gtest/gtest.h>

#include <map>

namespace cx::aws::profile {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

ProfileSet profiles() {
  auto set =
      parse_profile_files("[profile p]\nregion = eu-west-1\n[default]\nregion = us-east-2\n", "");
  EXPECT_TRUE(set.ok());
  return *set;
}

TEST(Region, Precedence) {
  EXPECT_EQ(
      resolve_region(profiles(), "p",
                     env_of({{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "sa-east-1"}})),
      "ap-south-1");
  EXPECT_EQ(resolve_region(profiles(), "p", env_of({{"AWS_DEFAULT_REGION", "sa-east-1"}})),
            "sa-east-1");
  EXPECT_EQ(resolve_region(profiles(), "p", env_of({})), "eu-west-1");
  EXPECT_EQ(resolve_region(profiles(), "default", env_of({})), "us-east-2");
}

TEST(Region, EmptyVariablesCountAsUnset) {
  EXPECT_EQ(
      resolve_region(profiles(), "p", env_of({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", ""}})),
      "eu-west-1");
}

TEST(Region, NoneAnywhere) {
  EXPECT_EQ(resolve_region(profiles(), "missing", env_of({})), std::nullopt);
}

}  // namespace
}  // namespace cx::aws::profile
