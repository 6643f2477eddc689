#include "runtime/mount_policy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

namespace cx::runtime {
namespace {

namespace fs = std::filesystem;

// A throwaway tree with a fake HOME holding ~/.ssh, and ~/.aws as a symlink
// to a directory outside HOME.
class MountPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cx-mount-policy-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = fs::canonical(tmpl);
    home_ = root_ / "home" / "u";
    fs::create_directories(home_ / ".ssh" / "keys");
    fs::create_directories(home_ / "proj" / "sub");
    fs::create_directories(root_ / "secrets" / "aws");
    fs::create_directories(root_ / "data");
    fs::create_symlink(root_ / "secrets" / "aws", home_ / ".aws");
    fs::create_directory_symlink(home_, root_ / "homelink");
    std::ofstream(home_ / ".gitconfig") << "[user]\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  Result<std::string> project(const fs::path& dir, bool allow_home = false) {
    return check_project_dir(dir.string(), {home_.string(), allow_home});
  }
  void expect_refused(const fs::path& dir, const std::string& why) {
    auto r = project(dir);
    ASSERT_FALSE(r.ok()) << dir;
    EXPECT_NE(r.error().message.find("refusing to mount"), std::string::npos);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().hint.find("--allow-home"), std::string::npos);
    EXPECT_TRUE(project(dir, true).ok()) << "--allow-home must accept " << dir;
  }

  fs::path root_;
  fs::path home_;
};

TEST_F(MountPolicy, AcceptsAProjectAndReturnsItsRealPath) {
  auto r = project(home_ / "proj" / "sub" / "..");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (home_ / "proj").string());
  auto via_link = project(root_ / "homelink" / "proj");
  ASSERT_TRUE(via_link.ok());
  EXPECT_EQ(*via_link, (home_ / "proj").string());
}

TEST_F(MountPolicy, RefusesTheRoot) { expect_refused("/", "it is the root directory"); }

TEST_F(MountPolicy, RefusesHomeHoweverItIsSpelled) {
  expect_refused(home_, "it is your home directory");
  expect_refused(root_ / "homelink", "it is your home directory");
  expect_refused(home_ / "proj" / "..", "it is your home directory");
}

TEST_F(MountPolicy, RefusesAncestorsAndInsidesOfSecrets) {
  expect_refused(root_ / "home", "it contains ~/.ssh");
  expect_refused(home_ / ".ssh", "it contains ~/.ssh");
  expect_refused(home_ / ".ssh" / "keys", "it is inside ~/.ssh");
  // ~/.aws really lives in root_/secrets/aws.
  expect_refused(root_ / "secrets", "it contains ~/.aws");
  expect_refused(root_ / "secrets" / "aws", "~/.aws");
  expect_refused(root_, "it contains ~/.ssh");
}

TEST_F(MountPolicy, ComparesAgainstTheRealHome) {
  // HOME given through a symlink still protects the directory it points to.
  auto r = check_project_dir(home_.string(), {(root_ / "homelink").string(), false});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("home directory"), std::string::npos);
}

TEST_F(MountPolicy, MissingProjectDirectoryIsAnError) {
  auto r = project(root_ / "nope");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find((root_ / "nope").string()), std::string::npos);
}

TEST_F(MountPolicy, UserMountsMustExistAndObeyTheRule) {
  std::vector<Mount> ok{{(home_ / ".gitconfig").string(), "/home/claude/.gitconfig", true, false},
                        {(root_ / "homelink" / "proj").string(), "/proj", false, false}};
  auto r = check_user_mounts(ok, {home_.string(), false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].host, (home_ / "proj").string());
  EXPECT_EQ((*r)[1].container, "/proj");
  EXPECT_TRUE((*r)[0].read_only);

  auto missing =
      check_user_mounts({{(root_ / "nope").string(), "/x", false, false}}, {home_.string(), false});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("CX_MOUNTS"), std::string::npos);
  EXPECT_NE(missing.error().hint.find("CX_MOUNTS"), std::string::npos);

  const std::vector<Mount> home{{(root_ / "homelink").string(), "/h", true, false}};
  auto refused = check_user_mounts(home, {home_.string(), false});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("(CX_MOUNTS): it is your home directory"),
            std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(check_user_mounts(home, {home_.string(), true}).ok());

  auto key = check_user_mounts({{(home_ / ".ssh" / "keys").string(), "/k", true, false}},
                               {home_.string(), false});
  EXPECT_FALSE(key.ok());
}

TEST_F(MountPolicy, UserMountsStayOffCxsOwnMountPoints) {
  const std::string src = (home_ / "proj").string();
  for (const char* target : {"/src", "/src/", "//src", "/x/../src", "/run/cx", "/run/cx/",
                             "/run/cx/token", "/home/claude/.claude",
                             "/home/claude/.claude/projects"}) {
    auto r = check_user_mounts({{src, target, true, false}}, {home_.string(), true});
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_NE(r.error().message.find(src + ":" + target + " mounts over"), std::string::npos)
        << r.error().message;
    EXPECT_FALSE(r.error().hint.empty());
  }
  for (const char* target : {"/src/sub", "/srcs", "/run/cxz", "/run", "/home/claude/.claude.d",
                             "/home/claude/.gitconfig"})
    EXPECT_TRUE(check_user_mounts({{src, target, true, false}}, {home_.string(), true}).ok())
        << target;
}

// The rules of a user of this fake home: XDG unset, a runtime dir of our own
// with a podman socket in it, DOCKER_HOST naming a socket elsewhere.
TEST_F(MountPolicy, NeverMountsCxsOwnStateOrARuntimeSocketEvenWithAllowHome) {
  fs::create_directories(root_ / "xdg" / "podman");
  fs::create_directories(root_ / "dh");
  fs::create_directories(home_ / ".local" / "state" / "cx" / "sessions");
  const std::string xdg = (root_ / "xdg").string();
  const std::string dh = "unix://" + (root_ / "dh" / "engine.sock").string();
  const EnvLookup env = [&](std::string_view k) -> std::optional<std::string> {
    if (k == "XDG_RUNTIME_DIR") return xdg;
    if (k == "DOCKER_HOST") return dh;
    if (k == "HOME") return home_.string();
    return std::nullopt;
  };
  for (bool allow_home : {false, true}) {
    const MountRules rules = mount_rules(home_.string(), env, allow_home);
    struct Case {
      fs::path dir;
      const char* why;
    };
    // ~/.cache/cx does not exist yet: it is guarded where it will be.
    for (const Case& c : std::vector<Case>{
             {home_ / ".local" / "state" / "cx", "it is cx's session state"},
             {home_ / ".local", "it contains cx's session state"},
             {home_ / ".local" / "state" / "cx" / "sessions", "it is inside cx's session state"},
             {home_ / ".cache", "it contains cx's credential cache"},
             {root_ / "xdg", "it contains a container runtime's socket"},
             {root_ / "dh", "it contains a container runtime's socket"},
             {"/run", "it contains a container runtime's socket"}}) {
      fs::create_directories(c.dir);
      auto p = check_project_dir(c.dir.string(), rules);
      ASSERT_FALSE(p.ok()) << c.dir;
      EXPECT_NE(p.error().message.find(c.why), std::string::npos) << p.error().message;
      auto m = check_user_mounts({{c.dir.string(), "/data", true, false}}, rules);
      ASSERT_FALSE(m.ok()) << c.dir;
      EXPECT_NE(m.error().message.find("(CX_MOUNTS): " + std::string(c.why)), std::string::npos)
          << m.error().message;
      EXPECT_EQ(m.error().hint.find("--allow-home"), std::string::npos) << m.error().hint;
    }
  }
  // A project next to them is fine.
  EXPECT_TRUE(check_project_dir((home_ / "proj").string(), mount_rules(home_.string(), env, false)).ok());
}

TEST_F(MountPolicy, AnEngineSocketIsRefusedByItsNameWherever) {
  const fs::path sock = root_ / "data" / "my-docker.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto m = check_user_mounts({{sock.string(), "/var/run/docker.sock", false, false}},
                             {home_.string(), true});
  ::close(fd);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("container engine's socket"), std::string::npos)
      << m.error().message;
}

TEST_F(MountPolicy, CredentialDirectoriesWarn) {
  fs::create_directories(home_ / ".kube");
  fs::create_directories(home_ / ".config" / "gcloud");
  const EnvLookup env = [](std::string_view) { return std::optional<std::string>(); };
  const MountRules rules = mount_rules(home_.string(), env, false);
  std::vector<std::string> warnings;
  auto m = check_user_mounts({{(home_ / ".kube").string(), "/kube", true, false},
                              {(home_ / ".config").string(), "/cfg", true, false},
                              {(home_ / "proj").string(), "/p", true, false}},
                             rules, &warnings);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("it is ~/.kube (cluster credentials)"), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("it contains ~/.config/gcloud"), std::string::npos) << warnings[1];
}

}  // namespace
}  // namespace cx::runtime
