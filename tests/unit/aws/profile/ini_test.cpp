// The raw line syntax; the cross-SDK suite (profile_set_test.cpp) covers the rest.

#include "aws/profile/ini.h"

#include <gtest/gtest.h>

namespace cx::aws::profile {
namespace {

TEST(Ini, KeepsSectionsInOrderWithLines) {
  auto f = parse_ini("# top\n[a]\nX = 1\n\n[ b ]\ny=2\n", "f");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->sections.size(), 2u);
  EXPECT_EQ(f->sections[0].header, "a");
  EXPECT_EQ(f->sections[0].line, 2);
  EXPECT_EQ(f->sections[0].properties, (decltype(f->sections[0].properties){{"x", "1"}}));
  EXPECT_EQ(f->sections[1].header, "b");
  EXPECT_EQ(f->sections[1].line, 5);
}

TEST(Ini, ErrorHasFileLineAndHint) {
  auto f = parse_ini("[a]\r\nx = 1\r\n[b\r\n", "~/.aws/config");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, "~/.aws/config, line 3: Profile definition must end with ']'");
  EXPECT_FALSE(f.error().hint.empty());
}

TEST(Ini, ValuesKeepHashesWithoutWhitespace) {
  auto f = parse_ini("[a]\nurl = https://x/#frag ; note\n", "f");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->sections[0].properties[0].second, "https://x/#frag");
}

}  // namespace
}  // namespace cx::aws::profile
