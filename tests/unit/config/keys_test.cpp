#include "config/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cx::config {
namespace {

using ::testing::HasSubstr;

TEST(Keys, ConsumedKeysStayOnTheHost) {
  for (const char* k : {"RUNTIME", "IMAGE_TAG", "AWS_IAM_ROLE", "AWS_PROFILE",
                        "AWS_SESSION_DURATION", "CLAUDE_OPTIONS"}) {
    EXPECT_EQ(classify_key(k), KeyClass::kConsumed) << k;
  }
}

TEST(Keys, EveryKnownCxKeyIsConsumed) {
  EXPECT_EQ(known_cx_keys().size(), 15u);
  for (std::string_view k : known_cx_keys()) EXPECT_EQ(classify_key(k), KeyClass::kConsumed) << k;
}

TEST(Keys, OtherKeysAreForwarded) {
  for (const char* k : {"AWS_REGION", "CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_MODEL", "FOO",
                        "AWS_ENDPOINT_URL_STS", "ALL_PROXY", "CX", "CXNETWORK", "PATH"}) {
    EXPECT_EQ(classify_key(k), KeyClass::kForwarded) << k;
  }
}

TEST(Keys, LongTermAwsKeysAreSecrets) {
  for (const char* k : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    EXPECT_EQ(classify_key(k), KeyClass::kSecret) << k;
  }
}

TEST(Keys, KeysCxSetsInTheContainerAreReserved) {
  for (const char* k :
       {"HOME", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "HTTPS_PROXY", "https_proxy", "Http_Proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"}) {
    EXPECT_EQ(classify_key(k), KeyClass::kReserved) << k;
  }
  EXPECT_EQ(classify_key("home"), KeyClass::kForwarded);  // only proxies are case-blind
}

TEST(Keys, UnknownCxKeysInAnyCaseAreTypos) {
  for (const char* k : {"CX_NETWRK", "CX_", "CX_FOO", "cx_network", "Cx_Cache"}) {
    EXPECT_EQ(classify_key(k), KeyClass::kUnknownCx) << k;
  }
}

TEST(Keys, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "ab"), 2u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(edit_distance("CX_CACHE", "CX_CACHE"), 0u);
  // A swap of neighbours is one edit, not two.
  EXPECT_EQ(edit_distance("biuld", "build"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);
}

TEST(Keys, NearestKnownKey) {
  EXPECT_EQ(nearest_cx_key("CX_NETWRK"), "CX_NETWORK");
  EXPECT_EQ(nearest_cx_key("CX_MOUNT"), "CX_MOUNTS");
  EXPECT_EQ(nearest_cx_key("CX_ALLOWED_HOSTS"), "CX_ALLOW_HOSTS");
  EXPECT_EQ(nearest_cx_key("CX_PERSISTENCE"), "CX_PERSIST");
  EXPECT_EQ(nearest_cx_key("CX_CREDENTIAL"), "CX_CREDENTIALS");
  EXPECT_EQ(nearest_cx_key("CX_SESSION_NAME"), "CX_ROLE_SESSION_NAME");
  EXPECT_EQ(nearest_cx_key("cx_network"), "CX_NETWORK");
  EXPECT_EQ(nearest_cx_key("CX_PASSENV"), "CX_PASS_ENV");
}

TEST(Keys, EnvNames) {
  EXPECT_TRUE(is_env_name("A"));
  EXPECT_TRUE(is_env_name("_a_1"));
  EXPECT_TRUE(is_env_name("GITHUB_TOKEN"));
  EXPECT_FALSE(is_env_name(""));
  EXPECT_FALSE(is_env_name("1A"));
  EXPECT_FALSE(is_env_name("A-B"));
  EXPECT_FALSE(is_env_name("A B"));
  EXPECT_FALSE(is_env_name("A=B"));
}

TEST(Keys, RefusalsExplainWhatToDo) {
  EXPECT_THAT(refusal_reason("AWS_SECRET_ACCESS_KEY").first,
              HasSubstr("must not be in the cx config file"));
  EXPECT_THAT(refusal_reason("AWS_SECRET_ACCESS_KEY").second, HasSubstr("~/.aws/credentials"));
  EXPECT_THAT(refusal_reason("HOME").second, HasSubstr("/home/claude"));
  EXPECT_THAT(refusal_reason("AWS_CONTAINER_CREDENTIALS_FULL_URI").first,
              HasSubstr("is set by cx in the container"));
  EXPECT_THAT(refusal_reason("https_proxy").second, HasSubstr("CX_ALLOW_HOSTS"));
}

}  // namespace
}  // namespace cx::config
