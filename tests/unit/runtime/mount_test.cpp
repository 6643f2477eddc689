#include "runtime/mount.h"

#include <gtest/gtest.h>

namespace cx::runtime {
namespace {

TEST(ParseMounts, ParsesEntriesAndOptions) {
  auto m = parse_mounts("  /data:/data:ro\t~/notes:/notes  /x:/y:rw ", "/home/u");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0].host, "/data");
  EXPECT_EQ((*m)[0].container, "/data");
  EXPECT_TRUE((*m)[0].read_only);
  EXPECT_EQ((*m)[1].host, "/home/u/notes");
  EXPECT_EQ((*m)[1].container, "/notes");
  EXPECT_FALSE((*m)[1].read_only);
  EXPECT_FALSE((*m)[2].read_only);
  EXPECT_FALSE((*m)[0].session_private);
}

TEST(ParseMounts, EmptyListIsNoMounts) {
  auto m = parse_mounts("   ", "/home/u");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->empty());
}

TEST(ParseMounts, RefusesMalformedEntries) {
  for (const char* bad : {"/data", "/a:/b:ro:x", "/a:/b:z", "rel:/b", "/a:rel", "/a:/", "/a:/src",
                          "/a:/src/", "~user/x:/x", ":/b"}) {
    auto m = parse_mounts(bad, "/home/u");
    EXPECT_FALSE(m.ok()) << bad;
    if (!m.ok()) {
      EXPECT_NE(m.error().message.find(bad), std::string::npos) << m.error().message;
      EXPECT_FALSE(m.error().hint.empty());
    }
  }
  EXPECT_TRUE(parse_mounts("/a:/src/sub", "/home/u").ok());
}

}  // namespace
}  // namespace cx::runtime
