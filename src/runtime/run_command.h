#pragma once
// The command lines cx gives the runtime for a session container: `run`,
// and the housekeeping around it (`rm`, `ps`, `inspect`, `image inspect`).
//
// Dialect differences, all from each tool's reference:
// - user: rootless podman gets `--userns=keep-id --user UID:GID` (the host
//   user keeps its uid inside). Another rootless runtime (nerdctl on rootless
//   containerd) gets `--user 0:0`: only uid 0 in its user namespace is the
//   host user, and any other uid could not write /src; it still has no
//   capabilities. Rootful runtimes get `--user UID:GID`.
// - SELinux: docker and podman relabel bind mounts with `z`/`Z`; nerdctl has
//   no relabel option, so nothing is added for it.
// - nerdctl's `--init` runs `tini` from the host's PATH (its --init-binary).

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/mount.h"
#include "runtime/runtime.h"
#include "util/result.h"

namespace cx::runtime {

enum class Network {
  None,     // loopback only: egress goes through cx's proxy (CX_NETWORK=allowlist)
  Default,  // the runtime's default network (CX_NETWORK=open)
};

inline constexpr const char* kContainerHome = "/home/claude";
inline constexpr const char* kProjectMountPoint = "/src";
// Claude's state between runs (CX_PERSIST), with CLAUDE_CONFIG_DIR pointing there.
inline constexpr const char* kClaudeStateMountPoint = "/home/claude/.claude";

struct RunSpec {
  std::string name;         // from container_name()
  std::string session_id;   // label cx.session
  std::string project_dir;  // real host path mounted read-write at /src (label cx.project)
  long host_pid = 0;        // the cx process (label cx.pid), for `cx gc`
  bool tty = false;         // stdin is a terminal: add -t
  unsigned uid = 0;         // the host user, who must own what the agent writes
  unsigned gid = 0;
  int pids_limit = 4096;
  Network network = Network::None;
  // Names only: each becomes `-e NAME`, so the runtime client copies the value
  // from its own environment and no value is ever in an argv.
  std::vector<std::string> env_names;
  // CX_MOUNTS entries and cx's own (state dir, token file, socket dir), in order.
  std::vector<Mount> mounts;
  // Host path of the session's seccomp profile (seccomp_profile.h), given as
  // `--security-opt seccomp=PATH`; empty: the runtime's default profile.
  std::string seccomp_profile;
  std::string image;
  std::vector<std::string> command;  // e.g. {"claude", ARGS...}; empty: the image's CMD
};

// Returns `cx-PROJECT-XXXXXX`: PROJECT is the sanitised basename of
// `project_dir` ([a-z0-9_.-], at most 32 characters), XXXXXX the low 24 bits
// of `random` in hex.
std::string container_name(const std::string& project_dir, std::uint32_t random);

// Returns the full argv (runtime binary first) of `RUNTIME run` for `spec`;
// an error if a name or path cannot be expressed safely on a command line.
Result<std::vector<std::string>> run_argv(const Runtime& rt, const RunSpec& spec);

// Returns `RUNTIME rm -f NAME` (podman: `rm -f -t 0`, no stop timeout).
std::vector<std::string> rm_argv(const Runtime& rt, const std::string& name);

// Returns the argv that prints the names of all cx containers (any state),
// one a line.
std::vector<std::string> ps_argv(const Runtime& rt);

// Returns the argv that prints a container's labels as one JSON object.
std::vector<std::string> labels_argv(const Runtime& rt, const std::string& name);

// Returns `RUNTIME image inspect TAG`, which succeeds only if TAG exists locally.
std::vector<std::string> image_exists_argv(const Runtime& rt, const std::string& tag);

}  // namespace cx::runtime
