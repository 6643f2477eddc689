#include "aws/session_name.h"

#include <gtest/gtest.h>

namespace cx::aws {
namespace {

TEST(SessionName, DefaultIsCxUserProject) {
  EXPECT_EQ(default_session_name("alice", "my-repo"), "cx-alice-my-repo");
  EXPECT_EQ(default_session_name("", "repo"), "cx-repo");
}

TEST(SessionName, RefusedCharactersBecomeDashes) {
  EXPECT_EQ(default_session_name("jean pierre", "proj/ü"), "cx-jean-pierre-proj---");
  EXPECT_EQ(sanitize_session_name("a_b+c=d,e.f@g-h"), "a_b+c=d,e.f@g-h");
  EXPECT_TRUE(validate_session_name(default_session_name("x y", "z:w")).ok());
}

TEST(SessionName, LongNamesAreCutWithAHashThatKeepsThemApart) {
  std::string project_a(100, 'p');
  std::string project_b = project_a + "q";
  std::string a = default_session_name("alice", project_a);
  std::string b = default_session_name("alice", project_b);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(b.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 9), "cx-alice-");
  EXPECT_EQ(a[55], '-');
  EXPECT_TRUE(validate_session_name(a).ok());
  EXPECT_EQ(sanitize_session_name(std::string(64, 'x')), std::string(64, 'x'));
}

TEST(SessionName, TooShortIsPadded) { EXPECT_EQ(sanitize_session_name("a"), "a-"); }

TEST(SessionName, ValidationExplainsWhatIsWrong) {
  EXPECT_TRUE(validate_session_name("ok").ok());
  auto short_name = validate_session_name("x");
  ASSERT_FALSE(short_name.ok());
  EXPECT_NE(short_name.error().message.find("2 to 64"), std::string::npos);
  EXPECT_FALSE(validate_session_name(std::string(65, 'x')).ok());
  auto bad = validate_session_name("my session");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "CX_ROLE_SESSION_NAME contains ' ' at position 3, which STS does not accept");
  EXPECT_FALSE(bad.error().hint.empty());
  auto utf8 = validate_session_name("caf\xc3\xa9");
  ASSERT_FALSE(utf8.ok());
  EXPECT_NE(utf8.error().message.find("non-ASCII"), std::string::npos);
}

}  // namespace
}  // namespace cx::aws
