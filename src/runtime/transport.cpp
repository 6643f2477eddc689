#include "runtime/transport.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "proc/capture.h"
#include "runtime/docker_api.h"
#include "util/bounded_file.h"
#include "util/digest.h"

namespace cx::runtime {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return lower(haystack).find(needle) != std::string::npos;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The client's endpoint is not a unix socket on this host (tcp://, ssh://,
// npipe://): the engine is elsewhere, whatever it answers.
bool remote_endpoint(const EngineFacts& e) {
  return !e.endpoint.empty() && !starts_with(e.endpoint, "unix://") && e.endpoint[0] != '/';
}

// The socket of a desktop VM's engine, by the paths those products use
// (Docker Desktop ~/.docker/desktop/ and ~/.docker/run/, Colima ~/.colima/,
// Lima ~/.lima/, OrbStack ~/.orbstack/, Rancher Desktop ~/.rd/, podman
// machine .../podman/machine/).
std::optional<std::string> vm_socket(const std::string& endpoint) {
  for (const char* marker : {"/.docker/desktop/", "/.docker/run/", "/.colima/", "/.lima/",
                             "/.orbstack/", "/.rd/", "/podman/machine/", "docker_engine"}) {
    if (endpoint.find(marker) != std::string::npos) return std::string(marker);
  }
  return std::nullopt;
}

// The product a desktop VM's engine names itself as.
std::optional<std::string> vm_product(const EngineFacts& e) {
  if (contains(e.operating_system, "docker desktop")) return std::string("Docker Desktop");
  if (contains(e.operating_system, "orbstack") || contains(e.hostname, "orbstack"))
    return std::string("OrbStack");
  if (lower(e.hostname) == "colima" || starts_with(lower(e.hostname), "colima-"))
    return std::string("Colima");
  if (starts_with(lower(e.hostname), "lima-")) return std::string("Lima");
  if (contains(e.hostname, "rancher-desktop")) return std::string("Rancher Desktop");
  if (starts_with(lower(e.hostname), "podman-machine")) return std::string("podman machine");
  return std::nullopt;
}

// Where a remote engine's containers reach this host: each product forwards
// a name to the host's loopback (Docker Desktop, OrbStack and Colima through
// dockerd's host-gateway; podman machine's host.containers.internal; Lima's
// host.lima.internal), so the broker listens on 127.0.0.1 only.
void vm_addressing(const Runtime& rt, const EngineFacts& e, Transport& t) {
  t.bind_address = "127.0.0.1";
  switch (rt.kind) {
    case RuntimeKind::kDocker:
      t.dial_host = "host.docker.internal";
      t.add_host = "host.docker.internal:host-gateway";
      break;
    case RuntimeKind::kPodman:
      // podman writes as host.containers.internal the gateway of the
      // container's network that sorts first by name, and the session's
      // network (cx-net-...) sorts before `podman`: its "gateway" is an
      // address nobody has. The gate is given the default network's.
      t.dial_host = "host.containers.internal";
      if (!e.default_gateway.empty())
        t.add_host = "host.containers.internal:" + e.default_gateway;
      break;
    case RuntimeKind::kNerdctl:
      t.dial_host = "host.lima.internal";
      break;
  }
}

}  // namespace

std::string_view to_string(TransportKind kind) {
  return kind == TransportKind::kRemote ? "remote" : "local";
}

bool engine_is_this_host(const EngineFacts& engine, const HostFacts& host) {
  if (remote_endpoint(engine)) return false;
  if (vm_socket(engine.endpoint) || vm_product(engine)) return false;
  return engine.hostname == host.hostname && engine.kernel == host.kernel;
}

std::string default_network_name(const Runtime& rt) {
  return rt.kind == RuntimeKind::kPodman ? "podman" : "bridge";
}

Result<Transport> decide_transport(config::TransportMode mode, const Runtime& rt,
                                   const EngineFacts& e, const HostFacts& host) {
  Transport t;
  t.default_network = default_network_name(rt);
  if (mode == config::TransportMode::kLocal) {
    t.reason = "CX_TRANSPORT=local";
    return t;
  }

  std::string why;
  if (remote_endpoint(e)) {
    why = e.endpoint_source + " is " + e.endpoint.substr(0, e.endpoint.find("://") + 3) +
          "...: the engine is on another machine or in a VM";
  } else if (auto socket = vm_socket(e.endpoint)) {
    why = e.endpoint_source + " is a desktop VM's socket (" + e.endpoint + ")";
  } else if (auto product = vm_product(e)) {
    why = "the engine is " + *product + " (its containers run in a VM)";
  } else if (!e.hostname.empty() && e.hostname != host.hostname) {
    why = "the engine's host is \"" + e.hostname + "\", not this host (\"" + host.hostname + "\")";
  } else if (!e.kernel.empty() && e.kernel != host.kernel) {
    why = "the engine runs kernel " + e.kernel + ", this host " + host.kernel +
          " (a VM or another machine)";
  }

  if (mode == config::TransportMode::kAuto && why.empty()) {
    t.reason = "the engine runs on this host (host name " + host.hostname + ", kernel " +
               host.kernel + ")";
    return t;
  }

  t.kind = TransportKind::kRemote;
  if (!why.empty()) {
    t.reason = mode == config::TransportMode::kRemote ? "CX_TRANSPORT=remote; " + why : why;
    vm_addressing(rt, e, t);
    return t;
  }

  // CX_TRANSPORT=remote with an engine on this host: its containers reach
  // the host at their default network's gateway, an address of this host,
  // where the broker listens (bound before the bridge exists, if need be).
  if (rt.rootless) {
    return make_error(
        "CX_TRANSPORT=remote is not supported with a rootless " +
            std::string(config::to_string(rt.kind)) + " on this host",
        "its containers reach this host only through the user namespace's own network; use "
        "CX_TRANSPORT=local (or auto) here");
  }
  if (e.default_gateway.empty()) {
    return make_error("cannot find the gateway of the engine's " + t.default_network +
                          " network for CX_TRANSPORT=remote",
                      "check `" + rt.path + " network inspect " + t.default_network + "`");
  }
  t.reason = "CX_TRANSPORT=remote (the engine runs on this host; its containers reach it at " +
             e.default_gateway + ")";
  t.bind_address = e.default_gateway;
  t.freebind = true;
  t.dial_host = e.default_gateway;
  return t;
}

void read_endpoint(const Runtime& rt, const EnvLookup& env, EngineFacts& facts) {
  if (rt.kind == RuntimeKind::kPodman) {
    if (auto h = env_value(env, "CONTAINER_HOST")) {
      facts.endpoint = *h;
      facts.endpoint_source = "CONTAINER_HOST";
    }
    return;
  }
  if (rt.kind != RuntimeKind::kDocker) return;
  if (auto h = env_value(env, "DOCKER_HOST")) {
    facts.endpoint = *h;
    facts.endpoint_source = "DOCKER_HOST";
    return;
  }
  // The docker CLI's current context: DOCKER_CONTEXT, else config.json's
  // currentContext; its endpoint is in contexts/meta/SHA256(NAME)/meta.json.
  std::string dir;
  if (auto d = env_value(env, "DOCKER_CONFIG")) {
    dir = *d;
  } else if (auto home = env_value(env, "HOME")) {
    dir = *home + "/.docker";
  } else {
    return;
  }
  std::string context = env_value(env, "DOCKER_CONTEXT").value_or("");
  if (context.empty()) {
    const BoundedRead config = read_bounded_file(dir + "/config.json", 1 << 20);
    if (!config.ok()) return;
    auto j = nlohmann::json::parse(config.text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("currentContext") ||
        !j["currentContext"].is_string())
      return;
    context = j["currentContext"].get<std::string>();
  }
  if (context.empty() || context == "default") return;
  const BoundedRead meta =
      read_bounded_file(dir + "/contexts/meta/" + sha256_hex(context) + "/meta.json", 1 << 20);
  if (!meta.ok()) return;
  auto j = nlohmann::json::parse(meta.text, nullptr, false);
  const nlohmann::json* host = nullptr;
  if (!j.is_discarded() && j.is_object() && j.contains("Endpoints") && j["Endpoints"].is_object() &&
      j["Endpoints"].contains("docker") && j["Endpoints"]["docker"].is_object() &&
      j["Endpoints"]["docker"].contains("Host") && j["Endpoints"]["docker"]["Host"].is_string())
    host = &j["Endpoints"]["docker"]["Host"];
  if (host == nullptr) return;
  facts.endpoint = host->get<std::string>();
  facts.endpoint_source = "docker context " + context;
}

std::vector<std::string> engine_info_argv(const Runtime& rt) {
  if (rt.kind == RuntimeKind::kPodman) {
    return {rt.path, "info", "--format",
            "{{.Host.Distribution.Distribution}}\t{{.Host.Hostname}}\t{{.Host.Kernel}}\t"
            "{{.Host.ServiceIsRemote}}"};
  }
  return {rt.path, "info", "--format",
          "{{.OperatingSystem}}\t{{.Name}}\t{{.KernelVersion}}\t{{json .SecurityOptions}}"};
}

Status parse_engine_info(const Runtime& rt, const std::string& out, EngineFacts& facts) {
  std::string line = out.substr(0, out.find('\n'));
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  const size_t want = 4;
  if (fields.size() != want)
    return make_error("cannot read the engine's answer to `" + std::string(config::to_string(rt.kind)) +
                      " info` (expected " + std::to_string(want) + " fields)");
  facts.operating_system = fields[0];
  facts.hostname = fields[1];
  facts.kernel = fields[2];
  if (rt.kind == RuntimeKind::kPodman)
    facts.podman_remote = fields[3] == "true";
  else
    facts.rootless = fields[3].find("name=rootless") != std::string::npos;
  return Ok{};
}

Result<EngineFacts> engine_info(const Runtime& rt) {
  auto info = proc::capture({.argv = engine_info_argv(rt), .timeout = std::chrono::seconds(30)});
  if (!info) return info.error();
  if (info->exit_code != 0 || info->timed_out) {
    std::string err = info->err.substr(0, info->err.find('\n'));
    return make_error("`" + rt.path + " info` failed" + (err.empty() ? "" : ": " + err),
                      "is the engine running? `" + rt.path + " info` says why");
  }
  EngineFacts facts;
  if (Status st = parse_engine_info(rt, info->out, facts); !st) return st.error();
  return facts;
}

std::vector<std::string> podman_connections_argv(const Runtime& rt) {
  return {rt.path, "system", "connection", "list", "--format", "{{.Default}} {{.URI}}"};
}

bool podman_has_default_connection(const std::string& out) {
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    if (out.compare(pos, 5, "true ") == 0) return true;
    pos = end + 1;
  }
  return false;
}

namespace {

// A containers.conf (TOML) line that sets `active_service` or opens a
// `service_destinations` table; comments (the shipped file's examples are
// all commented out) do not count.
bool names_a_connection(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[' && line.find("service_destinations") != std::string_view::npos)
      return true;
    if (line.starts_with("active_service")) {
      line.remove_prefix(14);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (!line.empty() && line.front() == '=') return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> podman_connection_config(const EnvLookup& env) {
  if (env_value(env, "CONTAINER_CONNECTION")) return std::string("CONTAINER_CONNECTION");
  std::vector<std::string> files;
  for (const char* var : {"CONTAINERS_CONF", "CONTAINERS_CONF_OVERRIDE"})
    if (auto f = env_value(env, var)) files.push_back(*f);
  std::vector<std::string> dirs{"/usr/share/containers", "/etc/containers"};
  if (auto x = env_value(env, "XDG_CONFIG_HOME"); x && !x->empty() && (*x)[0] == '/')
    dirs.push_back(*x + "/containers");
  else if (auto home = env_value(env, "HOME"))
    dirs.push_back(*home + "/.config/containers");
  for (const std::string& dir : dirs) {
    files.push_back(dir + "/containers.conf");
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/containers.conf.d", ec))
      if (e.path().extension() == ".conf") files.push_back(e.path().string());
    // podman 5 keeps its connections here; any such file means "ask".
    struct stat st {};
    const std::string json = dir + "/podman-connections.json";
    if (::stat(json.c_str(), &st) == 0 && st.st_size > 2) return json;
  }
  for (const std::string& f : files) {
    const BoundedRead r = read_bounded_file(f, 1 << 20);
    if (!r.ok()) continue;  // absent or unreadable: podman would not use it either
    if (names_a_connection(r.text)) return f;
  }
  return std::nullopt;
}

std::vector<std::string> gateway_argv(const Runtime& rt) {
  const std::string net = default_network_name(rt);
  if (rt.kind == RuntimeKind::kPodman)
    return {rt.path, "network", "inspect", net, "--format",
            "{{range .Subnets}}{{.Subnet}} {{.Gateway}}\n{{end}}"};
  return {rt.path, "network", "inspect", net, "--format",
          "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}\n{{end}}"};
}

Result<std::string> parse_gateway(const std::string& out) {
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    const size_t space = line.find(' ');
    const std::string subnet = line.substr(0, space);
    const std::string gateway = space == std::string::npos ? "" : line.substr(space + 1);
    in_addr a{};
    if (!gateway.empty() && ::inet_pton(AF_INET, gateway.c_str(), &a) == 1) return gateway;
    const size_t slash = subnet.find('/');
    if (slash == std::string::npos) continue;
    if (::inet_pton(AF_INET, subnet.substr(0, slash).c_str(), &a) != 1) continue;
    // docker's default bridge names no gateway: it is the subnet's first address.
    a.s_addr = htonl(ntohl(a.s_addr) + 1);
    char buf[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, &a, buf, sizeof buf) != nullptr) return std::string(buf);
  }
  return make_error("the engine's default network has no IPv4 subnet");
}

HostFacts this_host() {
  HostFacts h;
  utsname u{};
  if (::uname(&u) == 0) {
    h.hostname = u.nodename;
    h.kernel = u.release;
  }
  return h;
}

Result<EngineFacts> query_engine(const Runtime& rt, config::TransportMode mode,
                                 const EnvLookup& env) {
  EngineFacts facts;
  read_endpoint(rt, env, facts);
  // podman without CONTAINER_HOST and without a default system connection
  // (which podman machine registers) runs its containers itself, on this
  // kernel. Where its files name no connection at all that is known without
  // running it; otherwise its own answer, in 30 ms instead of `podman
  // info`'s 300. (On a system that is not Linux podman always has a VM.)
  if (rt.kind == RuntimeKind::kPodman && mode == config::TransportMode::kAuto &&
      facts.endpoint.empty() && rt.path.find("podman-remote") == std::string::npos) {
    const HostFacts host = this_host();
    bool local = false;
    utsname u{};
    if (::uname(&u) == 0 && std::string_view(u.sysname) == "Linux" &&
        !podman_connection_config(env)) {
      local = true;
      facts.operating_system = "podman with no remote connection configured";
    } else {
      auto conns = proc::capture(
          {.argv = podman_connections_argv(rt), .timeout = std::chrono::seconds(30)});
      local = conns && conns->exit_code == 0 && !podman_has_default_connection(conns->out);
      facts.operating_system = "podman without a default remote connection";
    }
    if (local) {
      facts.hostname = host.hostname;
      facts.kernel = host.kernel;
      return facts;
    }
  }
  if (rt.kind == RuntimeKind::kDocker) {
    // The engine API on its socket where it can (runtime/docker_api.h); the
    // rootless check already asked the same, once.
    auto info = docker_info(rt.path, env);
    if (!info) return info.error();
    facts.operating_system = info->operating_system;
    facts.hostname = info->name;
    facts.kernel = info->kernel;
  } else {
    auto info = engine_info(rt);
    if (!info) return info.error();
    facts.operating_system = info->operating_system;
    facts.hostname = info->hostname;
    facts.kernel = info->kernel;
    facts.podman_remote = info->podman_remote;
  }
  // The default network's gateway: where remote forced on this host listens,
  // and for podman in a VM what host.containers.internal must name.
  const bool here = engine_is_this_host(facts, this_host());
  if ((mode == config::TransportMode::kRemote && here) ||
      (rt.kind == RuntimeKind::kPodman && !here)) {
    auto gw = proc::capture({.argv = gateway_argv(rt), .timeout = std::chrono::seconds(30)});
    if (gw && gw->exit_code == 0) {
      if (auto g = parse_gateway(gw->out)) facts.default_gateway = *g;
    }
  }
  return facts;
}

}  // namespace cx::runtime
