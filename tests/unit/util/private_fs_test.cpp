#include "util/private_fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cx {
namespace {

namespace fs = std::filesystem;

class PrivateFs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cx-pfs-XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir); }
  mode_t mode_of(const fs::path& p) {
    struct stat st;
    EXPECT_EQ(::lstat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  fs::path dir;
};

TEST_F(PrivateFs, CreatesMissingParentsPrivate) {
  auto p = dir / "a" / "b" / "cx";
  ASSERT_TRUE(ensure_private_dir(p.string(), "state directory").ok());
  EXPECT_EQ(mode_of(p), 0700u);
  EXPECT_EQ(mode_of(dir / "a"), 0700u);
}

TEST_F(PrivateFs, TightensAnOpenDirectoryOfOurOwn) {
  auto p = dir / "open";
  fs::create_directory(p);
  ::chmod(p.c_str(), 0755);
  ASSERT_TRUE(ensure_private_dir(p.string(), "state directory").ok());
  EXPECT_EQ(mode_of(p), 0700u);
}

TEST_F(PrivateFs, RefusesASymlinkOrAFile) {
  fs::create_directory(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "link");
  auto r = ensure_private_dir((dir / "link").string(), "state directory");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is not a directory of your own"), std::string::npos);
  std::ofstream(dir / "file") << "x";
  EXPECT_FALSE(ensure_private_dir((dir / "file").string(), "state directory").ok());
}

TEST_F(PrivateFs, WritesAtomicallyWithMode0600AndReplacesSymlinks) {
  std::ofstream(dir / "target") << "keep";
  fs::create_symlink(dir / "target", dir / "entry");
  ASSERT_TRUE(write_private_file((dir / "entry").string(), "new\n").ok());
  EXPECT_FALSE(fs::is_symlink(dir / "entry"));
  EXPECT_EQ(mode_of(dir / "entry"), 0600u);
  std::ifstream in(dir / "target");
  std::string kept;
  in >> kept;
  EXPECT_EQ(kept, "keep");
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) files += e.path().filename().string()[0] == '.';
  EXPECT_EQ(files, 0);
}

TEST(XdgCxDir, AbsoluteVariableElseFallbackUnderHome) {
  EXPECT_EQ(xdg_cx_dir(env_from_map({{"XDG_STATE_HOME", "/xdg/state/"}, {"HOME", "/h"}}),
                       "XDG_STATE_HOME", ".local/state"),
            "/xdg/state/cx");
  EXPECT_EQ(xdg_cx_dir(env_from_map({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h"}}), "XDG_STATE_HOME",
                       ".local/state"),
            "/h/.local/state/cx");
  EXPECT_EQ(xdg_cx_dir(env_from_map({{"HOME", "/h"}}), "XDG_CACHE_HOME", ".cache"), "/h/.cache/cx");
}

}  // namespace
}  // namespace cx
