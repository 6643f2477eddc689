#include "aws/profile/env_keys.h"

#include <gtest/gtest.h>

#include <map>

namespace cx::aws::profile {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

TEST(EnvironmentCredentials, LongTermAndTemporary) {
  auto c = environment_credentials(
      env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AK");
  EXPECT_EQ(c->secret_access_key, "SK");
  EXPECT_FALSE(c->temporary());
  auto t = environment_credentials(env_of(
      {{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}, {"AWS_SESSION_TOKEN", "T"}}));
  EXPECT_EQ(t->session_token, "T");
  auto legacy = environment_credentials(env_of(
      {{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}, {"AWS_SECURITY_TOKEN", "L"}}));
  EXPECT_EQ(legacy->session_token, "L");
}

TEST(EnvironmentCredentials, MissingPartsNamedNeverValued) {
  auto c = environment_credentials(env_of({{"AWS_SECRET_ACCESS_KEY", "s3cr3t"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message,
            "the credentials come from the environment, but AWS_ACCESS_KEY_ID is not set");
  EXPECT_EQ(c.error().message.find("s3cr3t"), std::string::npos);
  auto none = environment_credentials(env_of({}));
  EXPECT_EQ(none.error().message,
            "the credentials come from the environment, but AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY are not set");
}

}  // namespace
}  // namespace cx::aws::profile
