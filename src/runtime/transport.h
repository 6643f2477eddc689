#pragma once
// How a session's container reaches cx's broker (CX_TRANSPORT).
//
// local: the runtime's containers share this kernel and file system (a
//   native Linux docker or podman). The broker's unix sockets are mounted
//   read-only at /run/cx; the container has no network but loopback.
// remote: the containers live in a VM or on another machine (Docker
//   Desktop, podman machine, Lima/nerdctl, Colima, OrbStack, a tcp:// or
//   ssh:// engine), where unix sockets and host paths do not cross. The
//   broker listens on TCP where the VM reaches the host, every connection
//   authenticated; the agent's container is only on a per-session internal
//   network whose one other member, the gate container, relays to it.
//
// The decision is a pure function of what the runtime answers (engine
// facts) and of this host; `query_engine` asks the runtime.

#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "runtime/runtime.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::runtime {

enum class TransportKind { kLocal, kRemote };

// What the runtime says about its engine, and where its client points.
struct EngineFacts {
  // The client's endpoint: DOCKER_HOST / CONTAINER_HOST, or the current
  // docker context's host; empty: the client's default local socket.
  std::string endpoint;
  std::string endpoint_source;  // "DOCKER_HOST", "docker context NAME", ...
  std::string operating_system;  // docker info OperatingSystem; podman Host.Distribution
  std::string hostname;          // the engine host's name (docker info Name, podman Host.Hostname)
  std::string kernel;            // the engine host's kernel release
  bool podman_remote = false;    // podman info Host.ServiceIsRemote
  bool rootless = false;         // docker info SecurityOptions has name=rootless
  // The default network's gateway as the engine reports it (a subnet's
  // first address when it names none); only asked for when needed.
  std::string default_gateway;
};

struct HostFacts {
  std::string hostname;  // uname nodename
  std::string kernel;    // uname release
};

struct Transport {
  TransportKind kind = TransportKind::kLocal;
  std::string reason;  // one clause for doctor and --dry-run: why this one
  // remote only:
  std::string bind_address;  // where the broker listens on this host
  bool freebind = false;     // bind before the address is up (a bridge made on demand)
  std::string dial_host;     // what the gate connects to (a name or address)
  std::string add_host;      // the gate's `--add-host NAME:ADDR`, or empty
  std::string default_network;  // the engine's NAT'd network the gate also joins
};

// The engine looks like it runs on this kernel and host (same host name and
// kernel release, no remote endpoint): true for a native Linux runtime.
bool engine_is_this_host(const EngineFacts& engine, const HostFacts& host);

// Decides the transport. CX_TRANSPORT=local/remote is obeyed (remote on
// this host needs the engine's default gateway in `engine`); auto chooses
// remote when the endpoint is tcp://, ssh:// or a desktop VM's socket, or
// the engine reports a desktop VM or another host name or kernel.
Result<Transport> decide_transport(config::TransportMode mode, const Runtime& rt,
                                   const EngineFacts& engine, const HostFacts& host);

// Whether the decision needs the engine's answers at all (CX_TRANSPORT=local
// does not).
inline bool transport_needs_engine(config::TransportMode mode) {
  return mode != config::TransportMode::kLocal;
}

// The client's endpoint from the environment and the docker CLI's config
// (DOCKER_HOST, DOCKER_CONTEXT or config.json's currentContext and that
// context's meta.json), or CONTAINER_HOST for podman.
void read_endpoint(const Runtime& rt, const EnvLookup& env, EngineFacts& facts);

// The `RUNTIME info` argv that prints OperatingSystem, host name, kernel
// and podman's ServiceIsRemote or docker's SecurityOptions on one
// tab-separated line, and its parser.
std::vector<std::string> engine_info_argv(const Runtime& rt);
Status parse_engine_info(const Runtime& rt, const std::string& out, EngineFacts& facts);
// Runs engine_info_argv and parses its answer (a failed run is one error
// naming the command, with a hint).
Result<EngineFacts> engine_info(const Runtime& rt);

// `podman system connection list` printing `DEFAULT URI` lines, and whether
// one is the default (then podman is a remote client: podman machine, or a
// connection the user added).
std::vector<std::string> podman_connections_argv(const Runtime& rt);
bool podman_has_default_connection(const std::string& out);

// Whether podman's own files could name a remote connection, read without
// running podman (which costs a session ~30 ms): CONTAINER_CONNECTION, an
// `active_service` or `[engine.service_destinations]` in any containers.conf
// podman reads (CONTAINERS_CONF, CONTAINERS_CONF_OVERRIDE, /usr/share,
// /etc and the user's containers/, with their .d/ directories), or a
// podman-connections.json (podman 5). Returns where it saw one (then podman
// is asked), or nullopt: podman runs its containers on this host.
std::optional<std::string> podman_connection_config(const EnvLookup& env);

// `RUNTIME network inspect DEFAULT` printing the default network's subnets
// and gateways, and its parser (the gateway, or the first address of the
// first IPv4 subnet when the engine names no gateway, as docker's bridge).
std::string default_network_name(const Runtime& rt);
std::vector<std::string> gateway_argv(const Runtime& rt);
Result<std::string> parse_gateway(const std::string& out);

// Asks the runtime (info, and the gateway when remote is forced on this
// host); the client's own environment applies.
Result<EngineFacts> query_engine(const Runtime& rt, config::TransportMode mode,
                                 const EnvLookup& env);
HostFacts this_host();

std::string_view to_string(TransportKind kind);

}  // namespace cx::runtime
