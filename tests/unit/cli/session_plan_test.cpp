#include "cli/session_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/parser.h"

namespace cx::cli {
namespace {

using Argv = std::vector<std::string>;

bool has(const Argv& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

// The word after `flag`, or "".
std::string after(const Argv& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

struct Fixture {
  config::Settings settings;
  PlanInput in;
  Fixture(runtime::RuntimeKind kind, runtime::TransportKind transport) {
    settings.image_tag = "localhost/cx:latest";
    settings.claude_options = {"--verbose"};
    in.settings = &settings;
    in.runtime.kind = kind;
    in.runtime.path = kind == runtime::RuntimeKind::kPodman ? "/usr/bin/podman" : "/usr/bin/docker";
    in.transport.kind = transport;
    in.transport.reason = "test";
    in.transport.default_network = kind == runtime::RuntimeKind::kPodman ? "podman" : "bridge";
    if (transport == runtime::TransportKind::kRemote) {
      in.transport.bind_address = "127.0.0.1";
      in.transport.dial_host = "host.docker.internal";
      in.transport.add_host = "host.docker.internal:host-gateway";
    }
    in.session_id = "0123456789abcdef";
    in.random = 0xbeef;
    in.project = "/home/u/proj";
    in.host_pid = 4242;
    in.uid = 1000;
    in.gid = 1000;
    in.broker_dir = "/run/user/1000/cx-0123456789abcdef-Ab12Cd";
    in.state_dir = "/home/u/.local/share/cx/claude/proj-1";
    in.region = "eu-west-1";
    in.variables = {{"FOO", "bar"}};
    in.proxy_port = "40001";
    in.credentials_port = "40002";
  }
};

TEST(SessionPlan, LocalIsOneRunWithTheSocketDirectory) {
  Fixture f(runtime::RuntimeKind::kDocker, runtime::TransportKind::kLocal);
  auto plan = plan_session(f.in);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_TRUE(plan->setup.empty());
  ASSERT_GE(plan->client.size(), 2u);
  EXPECT_EQ(plan->client[1], "run");
  EXPECT_EQ(after(plan->client, "--network"), "none");
  EXPECT_TRUE(has(plan->client, f.in.broker_dir + ":/run/cx:ro"));
  EXPECT_TRUE(has(plan->client, "--security-opt=seccomp=" + f.in.broker_dir + "/seccomp.json"));
  EXPECT_EQ(plan->client.back(), "--verbose");
  ASSERT_EQ(plan->undo.size(), 1u);
  EXPECT_EQ(plan->undo[0].argv, (Argv{"/usr/bin/docker", "rm", "-f", plan->container}));
  // The proxy address is in argv, never in the client's own environment
  // (a client of a tcp:// engine would send its API calls there).
  EXPECT_EQ(plan->env.count("HTTPS_PROXY"), 0u);
  EXPECT_TRUE(has(plan->client, "HTTPS_PROXY=http://127.0.0.1:3128"));
  EXPECT_TRUE(has(plan->client, "NO_PROXY=localhost,127.0.0.1"));
  EXPECT_EQ(plan->env.at("AWS_REGION"), "eu-west-1");
  EXPECT_EQ(plan->env.at("FOO"), "bar");
  EXPECT_TRUE(plan->gate.empty());
}

TEST(SessionPlan, RemoteHasAnInternalNetworkAGateAndNoHostPathButTheProject) {
  Fixture f(runtime::RuntimeKind::kDocker, runtime::TransportKind::kRemote);
  auto plan = plan_session(f.in);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->gate, "cx-gate-0123456789abcdef");
  EXPECT_EQ(plan->network, "cx-net-0123456789abcdef");
  ASSERT_EQ(plan->setup.size(), 7u);
  const Argv& net = plan->setup[0].argv;
  EXPECT_EQ(net, (Argv{"/usr/bin/docker", "network", "create", "--internal", "--label",
                       "cx.session=0123456789abcdef", "-o",
                       "com.docker.network.bridge.inhibit_ipv4=true", "cx-net-0123456789abcdef"}));

  const Argv& gate = plan->setup[1].argv;
  EXPECT_EQ(gate[1], "create");
  EXPECT_EQ(after(gate, "--network"), plan->network);
  for (const char* w : {"--cap-drop=ALL", "--read-only", "--security-opt=no-new-privileges",
                        "--init", "--pull=never", "--add-host=host.docker.internal:host-gateway"})
    EXPECT_TRUE(has(gate, w)) << w;
  EXPECT_EQ(after(gate, "--user"), "65534:65534");
  EXPECT_EQ(Argv(gate.end() - 5, gate.end()),
            (Argv{"localhost/cx:latest", "cx-gate", "host.docker.internal", "40001", "40002"}));

  EXPECT_EQ(plan->setup[2].argv,
            (Argv{"/usr/bin/docker", "network", "connect", "bridge", plan->gate}));
  EXPECT_EQ(plan->setup[3].argv, (Argv{"/usr/bin/docker", "start", plan->gate}));
  EXPECT_TRUE(plan->setup[4].yields_gate_address);

  const Argv& agent = plan->setup[5].argv;
  EXPECT_EQ(agent[1], "create");
  EXPECT_EQ(after(agent, "--network"), plan->network);
  EXPECT_TRUE(has(agent, std::string("--add-host=cx-gate:") + kGateAddress));
  // Nothing of the host but the project and Claude's state: no socket directory.
  for (const auto& w : agent) EXPECT_EQ(w.find(f.in.broker_dir + ":"), std::string::npos) << w;
  EXPECT_TRUE(has(agent, "--security-opt=seccomp=" + f.in.broker_dir + "/seccomp.json"));
  EXPECT_TRUE(has(agent, f.in.state_dir + ":/home/claude/.claude"));

  EXPECT_TRUE(plan->setup[6].secrets_on_stdin);
  EXPECT_EQ(plan->setup[6].argv, (Argv{"/usr/bin/docker", "cp", "-", plan->container + ":/run"}));
  EXPECT_EQ(plan->client, (Argv{"/usr/bin/docker", "start", "-a", "-i", plan->container}));

  ASSERT_EQ(plan->undo.size(), 3u);
  EXPECT_EQ(plan->undo[0].key, "container");
  EXPECT_EQ(plan->undo[1].argv, (Argv{"/usr/bin/docker", "rm", "-f", plan->gate}));
  EXPECT_EQ(plan->undo[2].argv, (Argv{"/usr/bin/docker", "network", "rm", plan->network}));
  // The proxy variable names no secret: the entrypoint adds it at run time.
  EXPECT_TRUE(has(agent, "HTTPS_PROXY=http://127.0.0.1:3128"));
  EXPECT_EQ(plan->env.count("HTTPS_PROXY"), 0u);
}

TEST(SessionPlan, RemotePodmanHasNoDnsAndAFreshStateIsATmpfs) {
  Fixture f(runtime::RuntimeKind::kPodman, runtime::TransportKind::kRemote);
  f.in.transport.dial_host = "host.containers.internal";
  f.in.transport.add_host.clear();
  f.in.fresh_state = true;
  f.in.state_dir.clear();
  auto plan = plan_session(f.in);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(has(plan->setup[0].argv, "--disable-dns"));
  EXPECT_EQ(plan->setup[2].argv[3], "podman");
  const Argv& agent = plan->setup[5].argv;
  EXPECT_TRUE(has(agent, "--tmpfs=/home/claude/.claude:rw,mode=1777"));
  for (const auto& a : plan->setup[1].argv) EXPECT_NE(a.rfind("--add-host", 0), 0u) << a;
  EXPECT_EQ(plan->undo[1].argv, (Argv{"/usr/bin/podman", "rm", "-f", "-t", "0", plan->gate}));
}

TEST(SessionPlan, RemoteOpenNetworkAlsoJoinsTheDefaultNetwork) {
  Fixture f(runtime::RuntimeKind::kDocker, runtime::TransportKind::kRemote);
  f.in.allowlist = false;
  auto plan = plan_session(f.in);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->setup.size(), 8u);
  EXPECT_EQ(plan->setup[6].argv,
            (Argv{"/usr/bin/docker", "network", "connect", "bridge", plan->container}));
  for (const auto& a : plan->setup[5].argv) EXPECT_EQ(a.find("HTTPS_PROXY"), std::string::npos);
}

TEST(SessionPlan, RenderShowsEveryCommandAndRedactsSecrets) {
  Fixture f(runtime::RuntimeKind::kDocker, runtime::TransportKind::kRemote);
  f.in.broker_credentials = false;
  f.in.variables.push_back({"AWS_SECRET_ACCESS_KEY", "very-secret"});
  f.in.variables.push_back({"AWS_SESSION_TOKEN", "token-secret"});
  auto plan = plan_session(f.in);
  ASSERT_TRUE(plan.ok());
  const std::string text = render_plan(*plan);
  EXPECT_EQ(text.find("very-secret"), std::string::npos);
  EXPECT_EQ(text.find("token-secret"), std::string::npos);
  EXPECT_NE(text.find("'AWS_SECRET_ACCESS_KEY=<redacted>'"), std::string::npos) << text;
  EXPECT_NE(text.find("# transport: remote (test)"), std::string::npos);
  EXPECT_NE(text.find("docker network create --internal"), std::string::npos);
  EXPECT_NE(text.find("docker start -a -i " + plan->container), std::string::npos);
  EXPECT_NE(text.find("network rm cx-net-0123456789abcdef"), std::string::npos);
}

// True when `argv` has `flag` immediately followed by `value`.
bool has_pair(const Argv& argv, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

// The model keys of an inference-profile config reach the container as
// ANTHROPIC_MODEL does: read from the file, passed by name (`-e NAME`), the
// value in the client's environment only. The container variables are built
// as cmd_session builds them (config::container_variables).
TEST(SessionPlan, EveryModelKeyReachesTheContainerLikeAnthropicModel) {
  const std::string arn =
      "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
  const std::vector<std::string> keys{
      "ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL",
      "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL"};
  std::string text =
      "RUNTIME=docker\nIMAGE_TAG=localhost/cx:latest\n"
      "AWS_IAM_ROLE=arn:aws:iam::123456789012:role/ClaudeCode\n";
  for (const std::string& k : keys) text += k + "=" + arn + "\n";
  const EnvLookup env = env_from_map({{"HOME", "/home/u"}});
  auto file = config::parse_config(text, "cfg", env);
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto settings = config::build_settings(std::move(*file), env);
  ASSERT_TRUE(settings.ok()) << settings.error().message;

  for (const auto transport : {runtime::TransportKind::kLocal, runtime::TransportKind::kRemote}) {
    Fixture f(runtime::RuntimeKind::kPodman, transport);
    f.in.settings = &*settings;
    f.in.variables.clear();
    for (const auto& v : config::container_variables(*settings, env))
      f.in.variables.emplace_back(v.name, v.value);
    auto plan = plan_session(f.in);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    // The agent's container: the client (local run) or its create step (remote).
    Argv agent = plan->client;
    for (const PlanStep& step : plan->setup)
      if (step.argv.at(1) == "create" && has_pair(step.argv, "--name", plan->container))
        agent = step.argv;
    ASSERT_TRUE(has_pair(agent, "--name", plan->container));
    for (const std::string& k : keys) {
      ASSERT_EQ(plan->env.count(k), 1u) << k;
      EXPECT_EQ(plan->env.at(k), arn) << k;
      EXPECT_TRUE(has_pair(agent, "-e", k)) << k;
      EXPECT_FALSE(has_pair(agent, "-e", k + "=" + arn)) << k;  // never the value in argv
    }
  }
}

TEST(SessionPlan, BadNamesAreErrors) {
  Fixture f(runtime::RuntimeKind::kDocker, runtime::TransportKind::kRemote);
  f.in.transport.dial_host = "-oops";
  EXPECT_FALSE(plan_session(f.in).ok());
  Fixture g(runtime::RuntimeKind::kDocker, runtime::TransportKind::kLocal);
  g.settings.image_tag = "--privileged";
  EXPECT_FALSE(plan_session(g.in).ok());
}

}  // namespace
}  // namespace cx::cli
