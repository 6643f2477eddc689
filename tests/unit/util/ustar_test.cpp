#include "util/ustar.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cx {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Ustar, GnuTarUnpacksItWithTheModes) {
  auto archive = ustar({{"cx", true, 0555, 0, 0, {}},
                        {"cx/token", false, 0444, 0, 0, "abc123"},
                        {"cx/big", false, 0400, 0, 0, std::string(1000, 'x')}});
  ASSERT_TRUE(archive.ok());
  EXPECT_EQ(archive->size() % 512, 0u);
  // Three headers, 512 + 1024 bytes of content, two zero blocks.
  EXPECT_EQ(archive->size(), 3 * 512u + 512 + 1024 + 1024);

  const auto dir = std::filesystem::temp_directory_path() / ("cx-ustar-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "out");
  std::ofstream(dir / "a.tar", std::ios::binary) << *archive;
  const std::string cmd = "tar -x -p -f " + (dir / "a.tar").string() + " -C " +
                          (dir / "out").string() + " 2>" + (dir / "err").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(dir / "err");
  EXPECT_EQ(slurp(dir / "out/cx/token"), "abc123");
  EXPECT_EQ(slurp(dir / "out/cx/big"), std::string(1000, 'x'));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "out/cx/token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  ASSERT_EQ(::stat((dir / "out/cx").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0555u);
  std::filesystem::permissions(dir / "out/cx", std::filesystem::perms::owner_all);
  std::filesystem::remove_all(dir);
}

TEST(Ustar, RefusesPathsThatCouldEscape) {
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/"}) {
    EXPECT_FALSE(ustar({{bad, false, 0644, 0, 0, "x"}}).ok()) << bad;
  }
  EXPECT_FALSE(ustar({{std::string(101, 'a'), false, 0644, 0, 0, "x"}}).ok());
  EXPECT_TRUE(ustar({{std::string(100, 'a'), false, 0644, 0, 0, "x"}}).ok());
}

TEST(Ustar, AnEmptyArchiveIsTwoZeroBlocks) {
  EXPECT_EQ(*ustar({}), std::string(1024, '\0'));
}

}  // namespace
}  // namespace cx
