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
#include <utility>
#include <string>
#include <vector>

#include "runtime/mount.h"
#include "runtime/runtime.h"
#include "util/result.h"

namespace cx::runtime {

enum class Network {
  None,      // loopback only: egress goes through cx's proxy (CX_NETWORK=allowlist, local)
  Default,   // the runtime's default network (CX_NETWORK=open)
  Internal,  // only the session's internal network, where the gate is (allowlist, remote)
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
  std::string network_name;  // Network::Internal: the session's network
  // `create` instead of `run` (the remote transport copies the session's
  // secrets in before it starts the container).
  bool create_only = false;
  std::vector<std::string> add_hosts;  // `--add-host NAME:ADDR` each
  // Empty directories only this container sees (tmpfs, mode 1777): Claude's
  // state of a CX_PERSIST=none session when host paths do not reach the engine.
  std::vector<std::string> tmpfs;
  // Names only: each becomes `-e NAME`, so the runtime client copies the value
  // from its own environment and no value is ever in an argv.
  std::vector<std::string> env_names;
  // cx's own variables that are no secret and that the runtime client would
  // itself obey if it had them (HTTPS_PROXY and the like: a client reaching
  // a tcp:// engine would send its API calls to the container's proxy
  // address): `-e NAME=VALUE`, values in argv, never in the client's
  // environment.
  std::vector<std::pair<std::string, std::string>> env_inline;
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

// The remote transport's gate: a container of the same image on the
// session's internal network and on the engine's default network, which
// only relays the two ports to the broker (entrypoint mode `cx-gate`).
struct GateSpec {
  std::string name;
  std::string session_id;
  long host_pid = 0;
  std::string network;          // the session's internal network
  std::string image;
  std::string seccomp_profile;  // as RunSpec
  std::string add_host;         // `NAME:ADDR`, or empty
  std::string dial_host;        // where the broker is, seen from the engine
  std::string proxy_port;       // the broker's ports (text: a dry run shows placeholders)
  std::string credentials_port;
};

// `RUNTIME create ...` of the gate: no capabilities, read-only, an unknown
// unprivileged user, a small pids limit.
Result<std::vector<std::string>> gate_create_argv(const Runtime& rt, const GateSpec& gate);

// `RUNTIME network create --internal ...` (no route out, podman: no DNS
// server either), `network connect NET CONTAINER` and `network rm NAME`.
std::vector<std::string> network_create_argv(const Runtime& rt, const std::string& name,
                                             const std::string& session_id);
std::vector<std::string> network_connect_argv(const Runtime& rt, const std::string& network,
                                              const std::string& container);
std::vector<std::string> network_rm_argv(const Runtime& rt, const std::string& name);

// `RUNTIME start NAME`, and `start -a -i NAME` (attached: the session's client).
std::vector<std::string> start_argv(const Runtime& rt, const std::string& name, bool attach);

// `RUNTIME cp - NAME:DIR`: a tar stream on stdin is unpacked at DIR in a
// created container (through the engine's API, so it crosses a VM).
std::vector<std::string> cp_in_argv(const Runtime& rt, const std::string& name,
                                    const std::string& dir);

// Prints the container's address on `network`.
std::vector<std::string> address_argv(const Runtime& rt, const std::string& name,
                                      const std::string& network);

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
