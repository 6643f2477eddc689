#pragma once
// Which host directories cx agrees to mount into a container: never the
// root, the home directory, or anything that would expose ~/.aws or ~/.ssh,
// unless the user says --allow-home; and never, whatever the user says, a
// container runtime's socket (host root for whoever can write it) or cx's
// own credential cache and session state. A mount that exposes other
// credentials (~/.kube, ~/.config/gcloud, ~/.docker, ...) gets a warning.

#include <string>
#include <vector>

#include "runtime/mount.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::runtime {

// A path a mount must not expose (contain, be, or be inside), and what it is.
struct Guarded {
  std::string path;
  std::string what;  // e.g. "~/.cache/cx (cx's credential cache)"
};

struct MountRules {
  std::string home;
  bool allow_home = false;
  std::vector<Guarded> never;    // refused even with --allow-home
  std::vector<Guarded> warn_on;  // accepted with a warning
};

// The rules for a user with `home` and environment `env`: cx's cache and
// state directories (XDG_CACHE_HOME, XDG_STATE_HOME) and the runtime
// sockets of docker, podman, containerd, Docker Desktop, Colima, Lima and
// podman machine (DOCKER_HOST and CONTAINER_HOST unix paths included) are
// never mounted; cloud and cluster credential directories warn.
MountRules mount_rules(const std::string& home, const EnvLookup& env, bool allow_home);

// Checks the project directory mounted at /src and returns its real path
// (symlinks and `..` resolved), which is what should be mounted. Warnings
// (one line each) are appended to `warnings` when given.
Result<std::string> check_project_dir(const std::string& dir, const MountRules& rules,
                                      std::vector<std::string>* warnings = nullptr);

// Checks the CX_MOUNTS host paths (they must exist, and obey the same rule as
// the project directory) and their container paths (not where cx mounts the
// project, the broker's directory or Claude's state), and returns the mounts
// with real host paths.
Result<std::vector<Mount>> check_user_mounts(const std::vector<Mount>& mounts,
                                             const MountRules& rules,
                                             std::vector<std::string>* warnings = nullptr);

}  // namespace cx::runtime
