#include "cli/session_plan.h"

#include "broker/ecs_credentials.h"
#include "runtime/container_contract.h"
#include "runtime/run_command.h"
#include "util/shell_words.h"

namespace cx::cli {
namespace {

// The container's environment, names in order of first appearance.
class ContainerEnv {
 public:
  void set(const std::string& k, const std::string& v) {
    if (!vars_.count(k)) names_.push_back(k);
    vars_[k] = v;
  }
  bool has(const std::string& k) const { return vars_.count(k) != 0; }
  std::vector<std::string> names_;
  std::map<std::string, std::string> vars_;
};

// The variables cx sets for the container that a runtime client would obey
// itself (proxies), or that are cx's fixed, public contract with the image.
bool client_must_not_see(const std::string& name) {
  for (const char* k : {"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "NO_PROXY",
                        "no_proxy", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "CLAUDE_CONFIG_DIR"})
    if (name == k) return true;
  return false;
}

bool is_secret(const std::string& name) {
  return name == "AWS_SECRET_ACCESS_KEY" || name == "AWS_SESSION_TOKEN";
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + quote_shell_word(a);
  return line;
}

}  // namespace

std::string gate_name(const std::string& session_id) { return "cx-gate-" + session_id; }
std::string network_name(const std::string& session_id) { return "cx-net-" + session_id; }

Result<SessionPlan> plan_session(const PlanInput& in) {
  const config::Settings& s = *in.settings;
  const runtime::Runtime& rt = in.runtime;
  const bool remote = in.transport.kind == runtime::TransportKind::kRemote;
  SessionPlan plan;
  plan.transport = in.transport;

  runtime::RunSpec spec;
  spec.name = runtime::container_name(in.project, in.random);
  spec.session_id = in.session_id;
  spec.project_dir = in.project;
  spec.host_pid = in.host_pid;
  spec.tty = in.tty;
  spec.uid = in.uid;
  spec.gid = in.gid;
  spec.mounts = in.mounts;
  spec.image = s.image_tag;
  if (in.shell) {
    spec.command = in.rest.empty() ? std::vector<std::string>{"bash"} : in.rest;
  } else {
    spec.command = {"claude"};
    spec.command.insert(spec.command.end(), s.claude_options.begin(), s.claude_options.end());
    spec.command.insert(spec.command.end(), in.rest.begin(), in.rest.end());
  }
  plan.container = spec.name;

  // The seccomp profile (no setuid/setgid bits in mounted directories): the
  // runtime client reads it on this host when it creates the container.
  spec.seccomp_profile =
      in.seccomp_profile.empty() ? in.broker_dir + "/seccomp.json" : in.seccomp_profile;
  if (!remote) spec.mounts.push_back({in.broker_dir, runtime::kBrokerMountPoint, true, true});
  if (remote && in.fresh_state) {
    // A per-session host directory would not reach the engine's VM.
    spec.tmpfs.push_back(runtime::kClaudeStateMountPoint);
  } else {
    spec.mounts.push_back(
        {in.state_dir, runtime::kClaudeStateMountPoint, false, in.fresh_state});
  }

  ContainerEnv cenv;
  for (const auto& [k, v] : in.variables) cenv.set(k, v);
  if (!cenv.has("AWS_REGION")) cenv.set("AWS_REGION", in.region);
  cenv.set("CLAUDE_CONFIG_DIR", runtime::kClaudeStateMountPoint);
  const std::string loopback = "http://127.0.0.1:";
  if (in.broker_credentials) {
    cenv.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", loopback +
                                                       std::to_string(runtime::kCredentialsPort) +
                                                       std::string(broker::kCredentialsPath));
    cenv.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
             std::string(runtime::kBrokerMountPoint) + "/" + runtime::kTokenFile);
  }
  if (in.allowlist) {
    // On the remote transport the entrypoint adds the proxy secret (a file
    // copied in) as the URL's password when it starts, so it is in no
    // `inspect` output.
    const std::string proxy = loopback + std::to_string(runtime::kProxyPort);
    for (const char* k : {"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"})
      cenv.set(k, proxy);
    for (const char* k : {"NO_PROXY", "no_proxy"}) cenv.set(k, "localhost,127.0.0.1");
  }
  // cx's own fixed variables go on the command line (no secret, and the
  // client must not obey them itself); the rest by name from the client's
  // environment.
  for (const auto& name : cenv.names_) {
    if (client_must_not_see(name)) {
      spec.env_inline.emplace_back(name, cenv.vars_.at(name));
    } else {
      spec.env_names.push_back(name);
      plan.env_names.push_back(name);
      plan.env[name] = cenv.vars_.at(name);
    }
  }

  if (!remote) {
    spec.network = in.allowlist ? runtime::Network::None : runtime::Network::Default;
    auto argv = runtime::run_argv(rt, spec);
    if (!argv) return argv.error();
    plan.client = std::move(*argv);
    plan.undo.push_back({"container", runtime::rm_argv(rt, spec.name)});
    return plan;
  }

  // Remote: the agent's container is only on the session's internal
  // network, where the one other member is the gate.
  plan.gate = gate_name(in.session_id);
  plan.network = network_name(in.session_id);
  runtime::GateSpec gate;
  gate.name = plan.gate;
  gate.session_id = in.session_id;
  gate.host_pid = in.host_pid;
  gate.network = plan.network;
  gate.image = s.image_tag;
  gate.seccomp_profile = spec.seccomp_profile;
  gate.add_host = in.transport.add_host;
  gate.dial_host = in.transport.dial_host;
  gate.proxy_port = in.proxy_port;
  gate.credentials_port = in.credentials_port.empty() ? "0" : in.credentials_port;
  auto gate_argv = runtime::gate_create_argv(rt, gate);
  if (!gate_argv) return gate_argv.error();

  spec.create_only = true;
  spec.network = runtime::Network::Internal;
  spec.network_name = plan.network;
  spec.add_hosts.push_back(std::string(runtime::kGateHost) + ":" + kGateAddress);
  auto agent = runtime::run_argv(rt, spec);
  if (!agent) return agent.error();

  plan.setup.push_back({"the session's internal network (no route out)",
                        runtime::network_create_argv(rt, plan.network, in.session_id)});
  plan.setup.push_back({"the gate: relays only to cx's broker at " + in.transport.dial_host,
                        std::move(*gate_argv)});
  plan.setup.push_back({"the gate also joins the engine's " + in.transport.default_network +
                            " network, its way to the broker",
                        runtime::network_connect_argv(rt, in.transport.default_network,
                                                      plan.gate)});
  plan.setup.push_back({"start the gate", runtime::start_argv(rt, plan.gate, false)});
  PlanStep address{"the gate's address on the internal network",
                   runtime::address_argv(rt, plan.gate, plan.network)};
  address.yields_gate_address = true;
  plan.setup.push_back(std::move(address));
  plan.setup.push_back({"the agent's container, on the internal network only", std::move(*agent)});
  if (!in.allowlist) {
    // The gate still carries the credential endpoint; the internet is
    // reached through the engine's default network, as on the local transport.
    plan.setup.push_back({"CX_NETWORK=open: the agent's container also joins the " +
                              in.transport.default_network + " network",
                          runtime::network_connect_argv(rt, in.transport.default_network,
                                                        plan.container)});
  }
  PlanStep secrets{"the credential token and the proxy secret, copied in (a tar on stdin)",
                   runtime::cp_in_argv(rt, plan.container, "/run")};
  secrets.secrets_on_stdin = true;
  plan.setup.push_back(std::move(secrets));
  plan.client = runtime::start_argv(rt, plan.container, true);

  plan.undo.push_back({"container", runtime::rm_argv(rt, plan.container)});
  plan.undo.push_back({"gate", runtime::rm_argv(rt, plan.gate)});
  plan.undo.push_back({"network", runtime::network_rm_argv(rt, plan.network)});
  return plan;
}

std::string render_plan(const SessionPlan& plan) {
  std::string out = "# transport: " + std::string(runtime::to_string(plan.transport.kind)) + " (" +
                    plan.transport.reason + ")\n";
  if (plan.transport.kind == runtime::TransportKind::kRemote) {
    out += "# broker: TCP on " + plan.transport.bind_address +
           " (egress proxy: Proxy-Authorization with the session's secret; credential "
           "endpoint: the token), reached by the gate as " +
           plan.transport.dial_host + "\n";
  }
  for (const PlanStep& step : plan.setup) {
    out += "# " + step.what + "\n" + command_line(step.argv) + "\n";
  }
  std::string line = "env";
  for (const auto& [k, v] : plan.env)
    line += " " + quote_shell_word(k + "=" + (is_secret(k) ? std::string("<redacted>") : v));
  out += line + " " + command_line(plan.client) + "\n";
  if (!plan.undo.empty()) {
    out += "# if cx dies, its reaper runs:";
    for (const PlanUndo& u : plan.undo) out += " `" + command_line(u.argv) + "`";
    out += "\n";
  }
  return out;
}

}  // namespace cx::cli
