#include "runtime/runtime.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "config/validators.h"
#include "proc/capture.h"
#include "runtime/docker_api.h"

namespace cx::runtime {
namespace {

std::string install_hint(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::kDocker:
      return "install Docker (Debian: apt-get install docker.io), or set RUNTIME to the path of "
             "the docker binary";
    case RuntimeKind::kPodman:
      return "install podman (Debian: apt-get install podman), or set RUNTIME to the path of the "
             "podman binary";
    case RuntimeKind::kNerdctl:
      return "install nerdctl (https://github.com/containerd/nerdctl/releases), or set RUNTIME to "
             "the path of the nerdctl binary";
  }
  return {};
}

bool system_is_executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

HostProbe system_host_probe() {
  HostProbe probe;
  const char* path = std::getenv("PATH");
  probe.path_env = path ? path : "";
  probe.euid = ::geteuid();
  probe.is_executable = system_is_executable;
  probe.selinux_enforcing = [] { return read_selinux_enforcing(); };
  probe.docker_rootless = [](const std::string& docker) {
    auto info = docker_info(docker, process_env());
    return info && info->rootless;
  };
  return probe;
}

bool read_selinux_enforcing(const std::string& enforce_path) {
  std::ifstream in(enforce_path);
  char c = '0';
  return in.get(c) && c == '1';
}

Result<Runtime> resolve_runtime(std::string_view configured, const HostProbe& probe) {
  const std::string value(configured);
  if (value.empty()) {
    return make_error("RUNTIME is empty", "set RUNTIME to docker, podman or nerdctl");
  }
  const auto kind = config::parse_runtime(value);
  if (!kind) return kind.error();
  const auto slash = value.rfind('/');

  Runtime rt;
  rt.kind = *kind;
  if (slash != std::string::npos) {
    if (!probe.is_executable(value)) {
      return make_error("RUNTIME \"" + value + "\" is not an executable file", install_hint(*kind));
    }
    rt.path = value;
  } else {
    // Same rule as execvp: an empty PATH element means the current directory.
    std::string_view rest = probe.path_env;
    while (rt.path.empty()) {
      const auto colon = rest.find(':');
      std::string dir(rest.substr(0, colon));
      if (dir.empty()) dir = ".";
      const std::string candidate = dir + "/" + value;
      if (probe.is_executable(candidate)) rt.path = candidate;
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    if (rt.path.empty()) {
      return make_error("RUNTIME \"" + value + "\" not found on PATH", install_hint(*kind));
    }
  }
  // A non-root podman or nerdctl always runs rootless; a non-root docker
  // client usually talks to a rootful daemon (the docker group), but may
  // talk to a rootless one (DOCKER_HOST, a context), which only it can tell.
  if (rt.kind != RuntimeKind::kDocker)
    rt.rootless = probe.euid != 0;
  else
    rt.rootless = probe.euid != 0 && probe.docker_rootless && probe.docker_rootless(rt.path);
  rt.selinux_enforcing = probe.selinux_enforcing ? probe.selinux_enforcing() : false;
  return rt;
}

}  // namespace cx::runtime
