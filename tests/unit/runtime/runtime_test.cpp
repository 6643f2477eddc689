#include "runtime/runtime.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

namespace cx::runtime {
namespace {

HostProbe fake_probe(std::set<std::string> executables, uid_t euid = 0, bool selinux = false) {
  HostProbe p;
  p.path_env = "/usr/local/bin:/usr/bin:/bin";
  p.euid = euid;
  p.is_executable = [executables](const std::string& path) { return executables.count(path) > 0; };
  p.selinux_enforcing = [selinux] { return selinux; };
  return p;
}

TEST(ResolveRuntime, FindsNameOnPathInOrder) {
  auto rt = resolve_runtime("podman", fake_probe({"/usr/bin/podman", "/bin/podman"}));
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  EXPECT_EQ(rt->path, "/usr/bin/podman");
  EXPECT_EQ(rt->kind, RuntimeKind::kPodman);
  EXPECT_FALSE(rt->rootless);
  EXPECT_FALSE(rt->selinux_enforcing);
}

TEST(ResolveRuntime, BasenameOfPathDecidesKind) {
  auto rt =
      resolve_runtime("/opt/containerd/bin/nerdctl", fake_probe({"/opt/containerd/bin/nerdctl"}));
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  EXPECT_EQ(rt->path, "/opt/containerd/bin/nerdctl");
  EXPECT_EQ(rt->kind, RuntimeKind::kNerdctl);
}

TEST(ResolveRuntime, NotOnPathNamesItAndHintsInstall) {
  auto rt = resolve_runtime("podman", fake_probe({"/usr/bin/docker"}));
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.error().message, "RUNTIME \"podman\" not found on PATH");
  EXPECT_NE(rt.error().hint.find("apt-get install podman"), std::string::npos);
}

TEST(ResolveRuntime, MissingPathIsAnError) {
  auto rt = resolve_runtime("/nope/docker", fake_probe({"/usr/bin/docker"}));
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.error().message, "RUNTIME \"/nope/docker\" is not an executable file");
}

TEST(ResolveRuntime, UnknownNameIsAnError) {
  auto rt = resolve_runtime("lxc", fake_probe({"/usr/bin/lxc"}));
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.error().message, "RUNTIME `lxc` is not docker, podman or nerdctl");
  EXPECT_FALSE(resolve_runtime("", fake_probe({})).ok());
  EXPECT_FALSE(resolve_runtime("/usr/bin/docker-compose", fake_probe({})).ok());
}

TEST(ResolveRuntime, EmptyPathElementIsCurrentDirectory) {
  auto probe = fake_probe({"./docker"});
  probe.path_env = "/usr/bin::/bin";
  auto rt = resolve_runtime("docker", probe);
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  EXPECT_EQ(rt->path, "./docker");
}

TEST(ResolveRuntime, RootlessWhenPodmanOrNerdctlRunByAUser) {
  EXPECT_TRUE(resolve_runtime("podman", fake_probe({"/usr/bin/podman"}, 1000))->rootless);
  EXPECT_TRUE(resolve_runtime("nerdctl", fake_probe({"/usr/bin/nerdctl"}, 1000))->rootless);
  EXPECT_FALSE(resolve_runtime("docker", fake_probe({"/usr/bin/docker"}, 1000))->rootless);
  EXPECT_FALSE(resolve_runtime("podman", fake_probe({"/usr/bin/podman"}, 0))->rootless);
  // docker: the daemon decides, and only a non-root user's daemon is asked about.
  auto probe = fake_probe({"/usr/bin/docker"}, 1000);
  std::string asked;
  probe.docker_rootless = [&asked](const std::string& docker) {
    asked = docker;
    return true;
  };
  EXPECT_TRUE(resolve_runtime("docker", probe)->rootless);
  EXPECT_EQ(asked, "/usr/bin/docker");
  probe.docker_rootless = [](const std::string&) { return false; };
  EXPECT_FALSE(resolve_runtime("docker", probe)->rootless);
  probe.euid = 0;
  probe.docker_rootless = [](const std::string&) -> bool { ADD_FAILURE() << "root was asked"; return true; };
  EXPECT_FALSE(resolve_runtime("docker", probe)->rootless);
}

TEST(ResolveRuntime, AsksTheSelinuxProbe) {
  auto rt = resolve_runtime("docker", fake_probe({"/usr/bin/docker"}, 0, true));
  ASSERT_TRUE(rt.ok());
  EXPECT_TRUE(rt->selinux_enforcing);
}

TEST(ResolveRuntime, SystemProbeFindsARealBinary) {
  // sh is on every PATH; it is not a runtime, but the lookup must find it.
  auto probe = system_host_probe();
  EXPECT_TRUE(probe.is_executable("/bin/sh"));
  EXPECT_FALSE(probe.is_executable("/"));
  EXPECT_EQ(probe.euid, ::geteuid());
}

TEST(ReadSelinuxEnforcing, ReadsTheEnforceFile) {
  char tmpl[] = "/tmp/cx-selinux-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(tmpl) << "1";
  EXPECT_TRUE(read_selinux_enforcing(tmpl));
  std::ofstream(tmpl) << "0";
  EXPECT_FALSE(read_selinux_enforcing(tmpl));
  ::unlink(tmpl);
  EXPECT_FALSE(read_selinux_enforcing(tmpl));
}

}  // namespace
}  // namespace cx::runtime
