#include "runtime/run_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cx::runtime {
namespace {

using Argv = std::vector<std::string>;

Runtime runtime(RuntimeKind kind, const std::string& path, bool rootless = false,
                bool selinux = false) {
  return Runtime{path, kind, rootless, selinux};
}

RunSpec spec() {
  RunSpec s;
  s.name = "cx-proj-00beef";
  s.session_id = "s1";
  s.project_dir = "/home/u/proj";
  s.host_pid = 4242;
  s.uid = 1001;
  s.gid = 1002;
  s.image = "localhost/cx:latest";
  s.command = {"claude", "-p", "hi there"};
  return s;
}

Argv head(const std::string& path) {
  return {path,
          "run",
          "--rm",
          "--name",
          "cx-proj-00beef",
          "--label",
          "cx.session=s1",
          "--label",
          "cx.project=/home/u/proj",
          "--label",
          "cx.pid=4242",
          "-i"};
}

Argv concat(std::initializer_list<Argv> parts) {
  Argv out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Argv kHardening{"--pull=never", "--init", "--cap-drop=ALL", "--security-opt=no-new-privileges",
                      "--pids-limit=4096"};
const Argv kTail{"-w", "/src", "-e", "HOME=/home/claude"};
const Argv kImageAndCommand{"localhost/cx:latest", "claude", "-p", "hi there"};

TEST(RunArgv, DockerNoTtyNoSelinux) {
  auto argv = run_argv(runtime(RuntimeKind::kDocker, "/usr/bin/docker"), spec());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/docker"),
                           kHardening,
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, DockerWithTtyOpenNetworkAndSelinux) {
  auto s = spec();
  s.tty = true;
  s.network = Network::Default;
  s.pids_limit = 100;
  auto argv = run_argv(runtime(RuntimeKind::kDocker, "/usr/bin/docker", false, true), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/docker"),
                           {"-t", "--pull=never", "--init", "--cap-drop=ALL", "--security-opt=no-new-privileges",
                            "--pids-limit=100", "--user", "1001:1002"},
                           {"-v", "/home/u/proj:/src:z"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, SeccompProfileFollowsTheHardening) {
  auto s = spec();
  s.seccomp_profile = "/tmp/cx-1-a/seccomp.json";
  auto argv = run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman"), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/podman"),
                           kHardening,
                           {"--security-opt=seccomp=/tmp/cx-1-a/seccomp.json"},
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           kImageAndCommand}));
  s.seccomp_profile = "relative/seccomp.json";
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman"), s).ok());
}

TEST(RunArgv, RootfulPodman) {
  auto argv = run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman"), spec());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/podman"),
                           kHardening,
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, RootlessPodmanKeepsTheUsersId) {
  auto s = spec();
  s.tty = true;
  auto argv = run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman", true, true), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/podman"),
                           {"-t"},
                           kHardening,
                           {"--userns=keep-id", "--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src:z"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, NerdctlHasNoSelinuxRelabel) {
  auto s = spec();
  s.mounts = {{"/data", "/data", true, false}};
  auto argv = run_argv(runtime(RuntimeKind::kNerdctl, "/usr/local/bin/nerdctl", false, true), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/local/bin/nerdctl"),
                           kHardening,
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           {"-v", "/data:/data:ro"},
                           kImageAndCommand}));
}

TEST(RunArgv, RootlessDockerRunsAsTheNamespacesRoot) {
  // The daemon's user namespace maps its root to the user: files in /src stay the user's.
  auto argv = run_argv(runtime(RuntimeKind::kDocker, "/usr/bin/docker", true), spec());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/docker"),
                           kHardening,
                           {"--user", "0:0", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, RootlessNerdctlRunsAsTheNamespacesRoot) {
  auto argv = run_argv(runtime(RuntimeKind::kNerdctl, "/usr/local/bin/nerdctl", true), spec());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/local/bin/nerdctl"),
                           kHardening,
                           {"--user", "0:0", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           kImageAndCommand}));
}

TEST(RunArgv, EnvironmentIsPassedByNameOnly) {
  auto s = spec();
  s.env_names = {"AWS_REGION", "CLAUDE_CODE_USE_BEDROCK", "HTTPS_PROXY", "_X1"};
  s.command = {};
  auto argv = run_argv(runtime(RuntimeKind::kDocker, "docker"), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("docker"),
                           kHardening,
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src"},
                           kTail,
                           {"-e", "AWS_REGION", "-e", "CLAUDE_CODE_USE_BEDROCK", "-e",
                            "HTTPS_PROXY", "-e", "_X1"},
                           {"localhost/cx:latest"}}));
  for (std::size_t i = 1; i < argv->size(); ++i) {
    if ((*argv)[i - 1] == "-e" && (*argv)[i] != "HOME=/home/claude") {
      EXPECT_EQ((*argv)[i].find('='), std::string::npos) << (*argv)[i];
    }
  }
}

TEST(RunArgv, RefusesEnvironmentThatIsNotABareName) {
  for (const char* bad : {"AWS_SECRET_ACCESS_KEY=abc", "", "1X", "A-B", "A B", "HOME"}) {
    auto s = spec();
    s.env_names = {bad};
    auto argv = run_argv(runtime(RuntimeKind::kDocker, "docker"), s);
    ASSERT_FALSE(argv.ok()) << bad;
    // A value (possibly a secret) must not be echoed back in the message.
    EXPECT_EQ(argv.error().message.find("abc"), std::string::npos);
  }
}

TEST(RunArgv, ExtraMountsKeepOrderAndLabels) {
  auto s = spec();
  s.mounts = {{"/data", "/data", true, false},
              {"/home/u/.local/state/cx/p1", "/home/claude/.claude", false, false},
              {"/run/user/1001/cx-s1/token", "/run/cx/token", true, true},
              {"/run/user/1001/cx-s1/sock", "/run/cx/sock", true, true}};
  auto argv = run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman", false, true), s);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, concat({head("/usr/bin/podman"),
                           kHardening,
                           {"--user", "1001:1002", "--network", "none"},
                           {"-v", "/home/u/proj:/src:z"},
                           kTail,
                           {"-v", "/data:/data:ro,z", "-v",
                            "/home/u/.local/state/cx/p1:/home/claude/.claude:z", "-v",
                            "/run/user/1001/cx-s1/token:/run/cx/token:ro,Z", "-v",
                            "/run/user/1001/cx-s1/sock:/run/cx/sock:ro,Z"},
                           kImageAndCommand}));

  auto plain = run_argv(runtime(RuntimeKind::kPodman, "/usr/bin/podman"), s);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[plain->size() - 5], "/run/user/1001/cx-s1/sock:/run/cx/sock:ro");
}

TEST(RunArgv, RefusesPathsTheVolumeSyntaxCannotCarry) {
  auto s = spec();
  s.project_dir = "/home/u/a:b";
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kDocker, "docker"), s).ok());
  s = spec();
  s.project_dir = "relative";
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kDocker, "docker"), s).ok());
  s = spec();
  s.mounts = {{"/x:y", "/y", false, false}};
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kDocker, "docker"), s).ok());
  s = spec();
  s.image = "--privileged";
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kDocker, "docker"), s).ok());
  s = spec();
  s.name = "";
  EXPECT_FALSE(run_argv(runtime(RuntimeKind::kDocker, "docker"), s).ok());
}

TEST(ContainerName, SanitisesTheProjectBasename) {
  EXPECT_EQ(container_name("/home/u/proj", 0xbeef), "cx-proj-00beef");
  EXPECT_EQ(container_name("/home/u/My Project (2)/", 0x12345678), "cx-my-project-2-345678");
  EXPECT_EQ(container_name("/srv/a_b.c-d", 0xffffff), "cx-a_b.c-d-ffffff");
  EXPECT_EQ(container_name("/", 1), "cx-project-000001");
  EXPECT_EQ(container_name("/tmp/..hidden..", 1), "cx-hidden-000001");
  EXPECT_EQ(container_name("/tmp/\xc3\xa9t\xc3\xa9", 1), "cx-t-000001");
  const auto long_name = container_name("/x/" + std::string(100, 'a'), 2);
  EXPECT_EQ(long_name, "cx-" + std::string(32, 'a') + "-000002");
}

TEST(HousekeepingArgv, RmPsLabelsImage) {
  const auto rt = runtime(RuntimeKind::kPodman, "/usr/bin/podman");
  EXPECT_EQ(rm_argv(rt, "cx-a-1"), (Argv{"/usr/bin/podman", "rm", "-f", "-t", "0", "cx-a-1"}));
  EXPECT_EQ(rm_argv(runtime(RuntimeKind::kDocker, "/usr/bin/docker"), "cx-a-1"),
            (Argv{"/usr/bin/docker", "rm", "-f", "cx-a-1"}));
  EXPECT_EQ(ps_argv(rt), (Argv{"/usr/bin/podman", "ps", "-a", "--filter", "label=cx.session",
                               "--format", "{{.Names}}"}));
  EXPECT_EQ(labels_argv(rt, "cx-a-1"),
            (Argv{"/usr/bin/podman", "inspect", "--format", "{{json .Config.Labels}}", "cx-a-1"}));
  EXPECT_EQ(image_exists_argv(rt, "localhost/cx:latest"),
            (Argv{"/usr/bin/podman", "image", "inspect", "localhost/cx:latest"}));
}

}  // namespace
}  // namespace cx::runtime
