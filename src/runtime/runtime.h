#pragma once
// The container runtime cx drives (RUNTIME in the config): which binary, which
// command-line dialect, and the host facts that change the command line.

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "util/result.h"

namespace cx::runtime {

// docker, podman or nerdctl, as the config's RUNTIME names it.
using config::RuntimeKind;

struct Runtime {
  std::string path;  // the binary to execute, absolute or as configured with a slash
  RuntimeKind kind = RuntimeKind::kDocker;
  // Containers live in a user namespace owned by the calling user: podman or
  // nerdctl run by a non-root user, or a rootless docker daemon (asked).
  bool rootless = false;
  bool selinux_enforcing = false;  // bind mounts need a relabel option
};

// The host facts resolve_runtime() depends on, injectable for tests.
struct HostProbe {
  std::string path_env;  // the value of $PATH
  uid_t euid = 0;
  std::function<bool(const std::string& path)> is_executable;
  std::function<bool()> selinux_enforcing;
  // Whether the daemon the docker client at this path talks to runs rootless.
  std::function<bool(const std::string& docker)> docker_rootless;
};

// Returns a probe of this process's environment and the real file system.
HostProbe system_host_probe();

// Returns true when the file at `enforce_path` (normally
// /sys/fs/selinux/enforce) says SELinux is enforcing; false if it is absent.
bool read_selinux_enforcing(const std::string& enforce_path = "/sys/fs/selinux/enforce");

// Resolves the configured RUNTIME (a name looked up on PATH, or a path); the
// basename decides the kind (config::parse_runtime).
Result<Runtime> resolve_runtime(std::string_view configured, const HostProbe& probe);

}  // namespace cx::runtime
