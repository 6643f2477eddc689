#include "util/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace cx {
namespace {

TEST(EnvLookup, ProcessEnvReadsTheEnvironment) {
  setenv("CX_ENV_LOOKUP_TEST", "v a l", 1);
  unsetenv("CX_ENV_LOOKUP_UNSET");
  const EnvLookup env = process_env();
  EXPECT_EQ(env("CX_ENV_LOOKUP_TEST"), "v a l");
  EXPECT_EQ(env("CX_ENV_LOOKUP_UNSET"), std::nullopt);
  setenv("CX_ENV_LOOKUP_TEST", "", 1);
  EXPECT_EQ(env("CX_ENV_LOOKUP_TEST"), "");  // set but empty is not unset
  unsetenv("CX_ENV_LOOKUP_TEST");
}

TEST(EnvLookup, MapAnswersOnlyFromItsEntries) {
  const EnvLookup env = env_from_map({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(env("A"), "1");
  EXPECT_EQ(env("EMPTY"), "");
  EXPECT_EQ(env("HOME"), std::nullopt);
  EXPECT_EQ(env("a"), std::nullopt);
}

}  // namespace
}  // namespace cx
