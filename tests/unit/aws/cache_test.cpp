#include "aws/cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "sources/fakes.h"

namespace cx::aws {
namespace {

using namespace sources::fakes;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

mode_t mode_of(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

Credentials temporary(const std::string& id, SystemTime expires) {
  Credentials c;
  c.access_key_id = id;
  c.secret_access_key = "secret-" + id;
  c.session_token = "token-" + id;
  c.expiration = expires;
  return c;
}

struct CacheTest : ::testing::Test {
  TempDir xdg;
  FixedClock clock{test_now()};
  std::string dir = default_cache_dir(env_of({{"XDG_CACHE_HOME", xdg.path()}}));
  CredentialCache cache{dir, clock};
  std::string key = role_cache_key("dev", "arn:aws:iam::1:role/r", "", 3600, "", "cx");
};

TEST(CacheKey, HexSha256OfLengthPrefixedFields) {
  std::string k = cache_key({"a", "b"});
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(k, cache_key({"a", "b"}));
  EXPECT_NE(cache_key({"ab", "c"}), cache_key({"a", "bc"}));
  EXPECT_NE(cache_key({"a", ""}), cache_key({"a"}));
}

TEST(CacheKey, EveryRoleInputChangesTheKey) {
  std::string base = role_cache_key("p", "arn", "policy", 3600, "ext", "name");
  EXPECT_NE(base, role_cache_key("q", "arn", "policy", 3600, "ext", "name"));
  EXPECT_NE(base, role_cache_key("p", "arn2", "policy", 3600, "ext", "name"));
  EXPECT_NE(base, role_cache_key("p", "arn", "policy2", 3600, "ext", "name"));
  EXPECT_NE(base, role_cache_key("p", "arn", "policy", 900, "ext", "name"));
  EXPECT_NE(base, role_cache_key("p", "arn", "policy", 3600, "ext2", "name"));
  EXPECT_NE(base, role_cache_key("p", "arn", "policy", 3600, "ext", "name2"));
  EXPECT_NE(mfa_session_cache_key("p", "arn:aws:iam::1:mfa/u"),
            mfa_session_cache_key("p", "arn:aws:iam::1:mfa/v"));
  EXPECT_NE(mfa_session_cache_key("p", "arn"), cache_key({"p", "arn"}));  // typed namespaces
}

TEST(DefaultCacheDir, XdgWhenAbsoluteElseHomeCache) {
  EXPECT_EQ(default_cache_dir(env_of({{"XDG_CACHE_HOME", "/x/cache/"}, {"HOME", "/h"}})),
            "/x/cache/cx");
  EXPECT_EQ(default_cache_dir(env_of({{"XDG_CACHE_HOME", "rel"}, {"HOME", "/h"}})), "/h/.cache/cx");
  EXPECT_EQ(default_cache_dir(env_of({{"HOME", "/h"}})), "/h/.cache/cx");
}

TEST_F(CacheTest, StoreThenLoadWithPrivateModesAndNoLeftovers) {
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());  // nothing yet, no directory yet
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(cache.path_of(key)), 0600u);
  auto c = cache.load(key, minutes(5));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "A");
  EXPECT_EQ(c->secret_access_key, "secret-A");
  EXPECT_EQ(c->session_token, "token-A");
  EXPECT_EQ(c->expiration, test_now() + hours(1));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) ++files, (void)e;
  EXPECT_EQ(files, 1);  // the temp file was renamed, not left behind

  // The file is what `cx creds --format process` users would recognise.
  std::ifstream in(cache.path_of(key));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_THAT(text, ::testing::HasSubstr("\"Expiration\":\"2024-05-01T13:00:00Z\""));
}

TEST_F(CacheTest, ExpiryMargin) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + minutes(10))).ok());
  EXPECT_TRUE(cache.load(key, minutes(9)).has_value());
  EXPECT_FALSE(cache.load(key, minutes(10)).has_value());  // must be strictly more than margin
  EXPECT_FALSE(cache.load(key, minutes(15)).has_value());
  clock.set(test_now() + minutes(11));
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
}

TEST_F(CacheTest, GroupOrOtherReadableFileIsIgnoredThenReplaced) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  ASSERT_EQ(::chmod(cache.path_of(key).c_str(), 0644), 0);
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  ASSERT_TRUE(cache.store(key, temporary("B", test_now() + hours(1))).ok());
  EXPECT_EQ(mode_of(cache.path_of(key)), 0600u);
  EXPECT_EQ(cache.load(key, seconds(0))->access_key_id, "B");
}

TEST_F(CacheTest, SymlinkIsIgnoredAndReplacedWithoutTouchingItsTarget) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  std::string planted = dir + "/planted.json";
  std::filesystem::rename(cache.path_of(key), planted);  // a valid 0600 entry of ours
  std::filesystem::create_symlink(planted, cache.path_of(key));
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  ASSERT_TRUE(cache.store(key, temporary("B", test_now() + hours(1))).ok());
  EXPECT_FALSE(std::filesystem::is_symlink(cache.path_of(key)));
  EXPECT_EQ(cache.load(key, seconds(0))->access_key_id, "B");
  std::ifstream in(planted);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_THAT(text, ::testing::HasSubstr("\"AccessKeyId\":\"A\""));
}

TEST_F(CacheTest, CorruptOrIncompleteFilesAreIgnored) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  std::string path = cache.path_of(key);
  auto overwrite = [&](const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
    ::chmod(path.c_str(), 0600);
  };
  overwrite("{\"AccessKeyId\":\"A\",\"Secret");  // truncated
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  overwrite("");
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  overwrite(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2024-05-01T13:00:00Z"})");
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());  // no session token
  overwrite(R"({"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"later"})");
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  overwrite(R"({"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T",)"
            R"("Expiration":"2024-05-01T13:00:00Z"})");
  EXPECT_TRUE(cache.load(key, seconds(0)).has_value());  // the same shape, well-formed, is used
}

TEST_F(CacheTest, LooseDirectoryIsIgnoredThenMadePrivate) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  ASSERT_TRUE(cache.store(key, temporary("B", test_now() + hours(1))).ok());
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(cache.load(key, seconds(0))->access_key_id, "B");
}

TEST_F(CacheTest, SymlinkedDirectoryIsNeverUsed) {
  std::string real = xdg.path() + "/elsewhere";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  std::filesystem::create_symlink(real, dir);
  EXPECT_FALSE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  EXPECT_TRUE(std::filesystem::is_empty(real));
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
}

TEST_F(CacheTest, ForeignOwnedFileIsIgnored) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  ASSERT_EQ(::chown(cache.path_of(key).c_str(), 65534, 65534), 0);
  EXPECT_FALSE(cache.load(key, seconds(0)).has_value());
  ASSERT_TRUE(cache.store(key, temporary("B", test_now() + hours(1))).ok());
  EXPECT_EQ(cache.load(key, seconds(0))->access_key_id, "B");
}

TEST_F(CacheTest, RemoveAndRefusals) {
  ASSERT_TRUE(cache.store(key, temporary("A", test_now() + hours(1))).ok());
  ASSERT_TRUE(cache.remove(key).ok());
  EXPECT_FALSE(std::filesystem::exists(cache.path_of(key)));
  EXPECT_TRUE(cache.remove(key).ok());  // already gone
  Credentials long_term{"AKID", "secret", "", std::nullopt};
  EXPECT_FALSE(cache.store(key, long_term).ok());
  EXPECT_FALSE(cache.store("../escape", temporary("A", test_now() + hours(1))).ok());
  EXPECT_FALSE(cache.load("../escape", seconds(0)).has_value());
}

TEST_F(CacheTest, MfaSessionsShareTheStore) {
  std::string mfa = mfa_session_cache_key("dev", "arn:aws:iam::1:mfa/me");
  ASSERT_TRUE(cache.store(mfa, temporary("MFA", test_now() + hours(12))).ok());
  ASSERT_TRUE(cache.store(key, temporary("ROLE", test_now() + hours(1))).ok());
  EXPECT_EQ(cache.load(mfa, minutes(5))->access_key_id, "MFA");
  EXPECT_EQ(cache.load(key, minutes(5))->access_key_id, "ROLE");
}

}  // namespace
}  // namespace cx::aws
