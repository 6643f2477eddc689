// File locations and loading, with real files in a temporary directory.

#include "aws/profile/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../../bounded_child.h"

namespace cx::aws::profile {
namespace {

namespace fs = std::filesystem;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

class ProfileFiles : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cx-profile-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  fs::path dir_;
};

TEST_F(ProfileFiles, DefaultLocationsUnderHome) {
  ProfileFilePaths p = profile_file_paths(env_of({{"HOME", "/home/u"}}));
  EXPECT_EQ(p.config, "/home/u/.aws/config");
  EXPECT_EQ(p.credentials, "/home/u/.aws/credentials");
  EXPECT_EQ(p.config_name, "~/.aws/config");
  EXPECT_EQ(p.credentials_name, "~/.aws/credentials");
}

TEST_F(ProfileFiles, EnvironmentOverridesWithTildeExpansion) {
  ProfileFilePaths p = profile_file_paths(env_of({{"HOME", "/home/u"},
                                                  {"AWS_CONFIG_FILE", "~/cfg/aws"},
                                                  {"AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"}}));
  EXPECT_EQ(p.config, "/home/u/cfg/aws");
  EXPECT_EQ(p.config_name, "~/cfg/aws");
  EXPECT_EQ(p.credentials, "/etc/creds");
  EXPECT_EQ(p.credentials_name, "/etc/creds");
}

TEST_F(ProfileFiles, TildeOnlyAtTheStart) {
  auto env = env_of({{"HOME", "/h"}});
  EXPECT_EQ(expand_home("~", env), "/h");
  EXPECT_EQ(expand_home("/a/~/b", env), "/a/~/b");
  EXPECT_EQ(expand_home("~other/x", env), "~other/x");
}

TEST_F(ProfileFiles, LoadsAndMergesBothFilesFromHome) {
  write(dir_ / ".aws/config", "[profile dev]\nregion = eu-west-1\n");
  write(dir_ / ".aws/credentials", "[dev]\naws_access_key_id = AK\n");
  auto set = load_profile_set(env_of({{"HOME", dir_.string()}}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->profiles.at("dev"),
            (Properties{{"region", "eu-west-1"}, {"aws_access_key_id", "AK"}}));
  EXPECT_EQ(set->config_file_name, "~/.aws/config");
}

TEST_F(ProfileFiles, EnvironmentPathsAreRead) {
  write(dir_ / "c", "[profile a]\nregion = r\n");
  write(dir_ / "k", "[b]\naws_access_key_id = AK\n");
  write(dir_ / ".aws/config", "[profile ignored]\n");
  auto set = load_profile_set(env_of({{"HOME", dir_.string()},
                                      {"AWS_CONFIG_FILE", (dir_ / "c").string()},
                                      {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / "k").string()}}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->profiles.size(), 2u);
  EXPECT_TRUE(set->profile("a") && set->profile("b"));
  EXPECT_EQ(set->credentials_file_name, (dir_ / "k").string());
}

TEST_F(ProfileFiles, MissingFilesAreEmpty) {
  auto set = load_profile_set(env_of({{"HOME", (dir_ / "nowhere").string()}}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->profiles.empty());
}

TEST_F(ProfileFiles, ParseErrorNamesTheFile) {
  write(dir_ / "c", "[profile a]\noops\n");
  auto set = load_profile_set(
      env_of({{"HOME", dir_.string()}, {"AWS_CONFIG_FILE", (dir_ / "c").string()}}));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message,
            (dir_ / "c").string() + ", line 2: Expected an '=' sign defining a property");
}

TEST_F(ProfileFiles, UnreadableFileIsAnError) {
  // A directory where the file should be cannot be read, for root too.
  fs::create_directories(dir_ / ".aws/credentials");
  auto set = load_profile_set(env_of({{"HOME", dir_.string()}}));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, "cannot read ~/.aws/credentials: a directory, not a regular file");
}

// AWS_CONFIG_FILE=/dev/zero or a FIFO is refused at once (no endless read,
// no open waiting for a writer), in a child capped in memory and time.
TEST_F(ProfileFiles, SpecialFilesAreRefused) {
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto load = [&](const std::string& var, const std::string& path) {
    return cx::test_util::in_bounded_child([&] {
      auto set = load_profile_set(env_of({{"HOME", dir_.string()}, {var, path}}));
      return set.ok() ? std::string("loaded") : set.error().message;
    });
  };
  EXPECT_EQ(load("AWS_CONFIG_FILE", "/dev/zero"),
            "cannot read /dev/zero: a character device, not a regular file");
  EXPECT_EQ(load("AWS_SHARED_CREDENTIALS_FILE", fifo),
            "cannot read " + fifo + ": a FIFO, not a regular file");
}

TEST_F(ProfileFiles, FileOverTheCapIsRefused) {
  const fs::path big = dir_ / "big";
  std::string text = "[default]\nregion = r\n# ";
  text += std::string(kMaxProfileFileBytes - text.size() - 1, 'x') + "\n";
  write(big, text);
  auto env = env_of({{"HOME", dir_.string()}, {"AWS_CONFIG_FILE", big.string()}});
  auto set = load_profile_set(env);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->profiles.at("default").at("region"), "r");
  write(big, text + "\n");
  set = load_profile_set(env);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, "cannot read " + big.string() + ": larger than the 8 MiB limit");
}

}  // namespace
}  // namespace cx::aws::profile
