#pragma once
// A session as a plan: every runtime command cx will run, in order, the
// container's environment, and what the reaper undoes if cx dies. A pure
// function of the settings, the invocation and the facts cx resolved
// (runtime, transport, names, paths, the broker's ports); `cx run
// --dry-run` prints it and cmd_session executes it.
//
// local transport: one `RUNTIME run`, the broker's socket directory mounted
// at /run/cx, no network but loopback.
// remote transport: the session's internal network; the gate created on it,
// connected to the engine's default network and started; its address on the
// internal network read back; the agent's container created on the internal
// network only; the secrets copied in (a tar on stdin); `RUNTIME start -a -i`
// as the client.

#include <map>
#include <string>
#include <vector>

#include "config/settings.h"
#include "runtime/mount.h"
#include "runtime/runtime.h"
#include "runtime/transport.h"
#include "util/result.h"

namespace cx::cli {

// In a remote plan's agent argv: replaced by the gate's address, which the
// step marked `yields_gate_address` prints.
inline constexpr const char* kGateAddress = "<gate-address>";

struct PlanStep {
  std::string what;               // a short description, for --dry-run and errors
  std::vector<std::string> argv;  // the runtime command
  bool secrets_on_stdin = false;  // the session's secrets (a tar) are written to its stdin
  bool yields_gate_address = false;
};

struct PlanUndo {
  std::string key;  // reaper key
  std::vector<std::string> argv;
};

struct SessionPlan {
  runtime::Transport transport;
  std::string container;
  std::string gate;     // remote only
  std::string network;  // remote only
  std::vector<PlanStep> setup;        // before the client, in order
  std::vector<std::string> client;    // the session's client (run, or start -a -i)
  std::vector<PlanUndo> undo;         // what the reaper does if cx dies, in order
  // The container's variables passed by name (`-e NAME` in argv), in order
  // of first appearance, and their values, which reach the client's
  // environment only. cx's fixed, public ones (the proxy and credential
  // endpoint addresses) are `-e NAME=VALUE` in argv instead.
  std::vector<std::string> env_names;
  std::map<std::string, std::string> env;
};

struct PlanInput {
  bool shell = false;                    // cx shell: bash or the given command, not claude
  std::vector<std::string> rest;         // words after the command
  const config::Settings* settings = nullptr;
  runtime::Runtime runtime;
  runtime::Transport transport;
  std::string session_id;                // 16 hex digits
  std::uint32_t random = 0;              // for the container name
  std::string project;                   // the checked project directory
  long host_pid = 0;
  bool tty = false;
  unsigned uid = 0, gid = 0;
  std::vector<runtime::Mount> mounts;    // the checked CX_MOUNTS
  std::string broker_dir;                // local: mounted at /run/cx (and holds seccomp.json)
  // The seccomp profile's host path; empty: BROKER_DIR/seccomp.json.
  std::string seccomp_profile;
  std::string state_dir;                 // Claude's state on the host, or empty (fresh)
  bool fresh_state = false;              // CX_PERSIST=none: a per-session directory
  std::string region;
  // The container's variables from the config and CX_PASS_ENV, and in env
  // credentials mode the keys (AWS_ACCESS_KEY_ID ...).
  std::vector<std::pair<std::string, std::string>> variables;
  bool broker_credentials = true;        // CX_CREDENTIALS=broker
  bool allowlist = true;                 // CX_NETWORK=allowlist
  std::string proxy_port;                // remote: the broker's TCP ports (a dry run: placeholders)
  std::string credentials_port;
};

// The names the remote transport uses for a session.
std::string gate_name(const std::string& session_id);
std::string network_name(const std::string& session_id);

// Builds the plan; an Error if a name, path or variable cannot be put on a
// runtime's command line.
Result<SessionPlan> plan_session(const PlanInput& in);

// The plan as `cx run --dry-run` prints it: a comment line on the
// transport, one line per step (`# what` then the command), and the client
// as `env NAME=VALUE... RUNTIME ...`, secret values shown as <redacted>.
std::string render_plan(const SessionPlan& plan);

}  // namespace cx::cli
