#include "runtime/transport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "util/digest.h"

namespace cx::runtime {
namespace {

using config::TransportMode;

Runtime rt(RuntimeKind kind, bool rootless = false) {
  Runtime r;
  r.kind = kind;
  r.path = kind == RuntimeKind::kPodman ? "/usr/bin/podman" : "/usr/bin/docker";
  r.rootless = rootless;
  return r;
}

const HostFacts kHost{"workstation", "6.1.0-18-amd64"};

EngineFacts native() {
  EngineFacts e;
  e.operating_system = "Debian GNU/Linux 12 (bookworm)";
  e.hostname = "workstation";
  e.kernel = "6.1.0-18-amd64";
  return e;
}

TEST(Transport, ANativeEngineIsLocal) {
  auto t = decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), native(), kHost);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TransportKind::kLocal);
  EXPECT_NE(t->reason.find("this host"), std::string::npos);
  EngineFacts sock = native();
  sock.endpoint = "unix:///var/run/docker.sock";
  sock.endpoint_source = "DOCKER_HOST";
  EXPECT_EQ(decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), sock, kHost)->kind,
            TransportKind::kLocal);
}

TEST(Transport, LocalIsObeyedWhateverTheEngineSays) {
  EngineFacts e;
  e.operating_system = "Docker Desktop";
  auto t = decide_transport(TransportMode::kLocal, rt(RuntimeKind::kDocker), e, kHost);
  EXPECT_EQ(t->kind, TransportKind::kLocal);
  EXPECT_EQ(t->reason, "CX_TRANSPORT=local");
}

TEST(Transport, DesktopVmsAreRemoteAndForwardToTheHostLoopback) {
  struct Case {
    RuntimeKind kind;
    std::string os, hostname;
    std::string dial, add_host, why;
  };
  const std::vector<Case> cases = {
      {RuntimeKind::kDocker, "Docker Desktop", "docker-desktop", "host.docker.internal",
       "host.docker.internal:host-gateway", "Docker Desktop"},
      {RuntimeKind::kDocker, "Ubuntu 24.04 LTS", "colima", "host.docker.internal",
       "host.docker.internal:host-gateway", "Colima"},
      {RuntimeKind::kDocker, "OrbStack", "orbstack", "host.docker.internal",
       "host.docker.internal:host-gateway", "OrbStack"},
      {RuntimeKind::kPodman, "fedora", "localhost.localdomain", "host.containers.internal", "",
       "not this host"},
      {RuntimeKind::kNerdctl, "Ubuntu", "lima-default", "host.lima.internal", "", "Lima"},
  };
  for (const auto& c : cases) {
    EngineFacts e;
    e.operating_system = c.os;
    e.hostname = c.hostname;
    e.kernel = "6.8.0";
    auto t = decide_transport(TransportMode::kAuto, rt(c.kind), e, kHost);
    ASSERT_TRUE(t.ok()) << c.os;
    EXPECT_EQ(t->kind, TransportKind::kRemote) << c.os;
    EXPECT_EQ(t->bind_address, "127.0.0.1") << c.os;
    EXPECT_FALSE(t->freebind);
    EXPECT_EQ(t->dial_host, c.dial) << c.os;
    EXPECT_EQ(t->add_host, c.add_host) << c.os;
    EXPECT_NE(t->reason.find(c.why), std::string::npos) << t->reason;
  }
}

TEST(Transport, RemoteEndpointsAndVmSocketsAreRemote) {
  for (const auto& [endpoint, why] : std::vector<std::pair<std::string, std::string>>{
           {"tcp://10.0.0.5:2376", "tcp://"},
           {"ssh://me@build-box", "ssh://"},
           {"unix:///Users/me/.docker/run/docker.sock", "desktop VM"},
           {"unix:///Users/me/.colima/default/docker.sock", "desktop VM"},
           {"unix:///home/me/.lima/default/sock/docker.sock", "desktop VM"},
           {"npipe:////./pipe/docker_engine", "npipe://"}}) {
    EngineFacts e = native();  // even when the engine's answers look like this host's
    e.endpoint = endpoint;
    e.endpoint_source = "DOCKER_HOST";
    auto t = decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), e, kHost);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->kind, TransportKind::kRemote) << endpoint;
    EXPECT_NE(t->reason.find(why), std::string::npos) << t->reason;
    // The reason never repeats an endpoint's address (it may hold a user name).
    if (endpoint.find("://") != std::string::npos && endpoint.rfind("unix", 0) != 0) {
      EXPECT_EQ(t->reason.find(endpoint.substr(endpoint.find("://") + 3)), std::string::npos);
    }
  }
}

TEST(Transport, PodmanInAVmNamesTheDefaultNetworksGateway) {
  EngineFacts e;
  e.operating_system = "fedora";
  e.hostname = "podman-machine-default";
  e.default_gateway = "10.88.0.1";
  auto t = decide_transport(TransportMode::kAuto, rt(RuntimeKind::kPodman), e, kHost);
  EXPECT_EQ(t->kind, TransportKind::kRemote);
  EXPECT_EQ(t->dial_host, "host.containers.internal");
  EXPECT_EQ(t->add_host, "host.containers.internal:10.88.0.1");
  EXPECT_NE(t->reason.find("podman machine"), std::string::npos) << t->reason;
}

TEST(Transport, AnotherKernelOrHostNameIsAVm) {
  EngineFacts e = native();
  e.kernel = "6.10.14-linuxkit";
  auto t = decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), e, kHost);
  EXPECT_EQ(t->kind, TransportKind::kRemote);
  EXPECT_NE(t->reason.find("6.10.14-linuxkit"), std::string::npos);
  e = native();
  e.hostname = "cx-vm-docker";
  EXPECT_EQ(decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), e, kHost)->kind,
            TransportKind::kRemote);
}

TEST(Transport, RemoteForcedOnThisHostListensOnTheGateway) {
  EngineFacts e = native();
  e.default_gateway = "172.17.0.1";
  auto t = decide_transport(TransportMode::kRemote, rt(RuntimeKind::kDocker), e, kHost);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TransportKind::kRemote);
  EXPECT_EQ(t->bind_address, "172.17.0.1");
  EXPECT_TRUE(t->freebind);
  EXPECT_EQ(t->dial_host, "172.17.0.1");
  EXPECT_TRUE(t->add_host.empty());
  EXPECT_EQ(t->default_network, "bridge");
  EXPECT_EQ(decide_transport(TransportMode::kRemote, rt(RuntimeKind::kPodman), e, kHost)
                ->default_network,
            "podman");

  e.default_gateway.clear();
  EXPECT_FALSE(decide_transport(TransportMode::kRemote, rt(RuntimeKind::kDocker), e, kHost).ok());
  e.default_gateway = "10.88.0.1";
  auto rootless = decide_transport(TransportMode::kRemote, rt(RuntimeKind::kPodman, true), e, kHost);
  ASSERT_FALSE(rootless.ok());
  EXPECT_NE(rootless.error().message.find("rootless"), std::string::npos);
}

TEST(Transport, RemoteForcedOnAVmKeepsTheVmAddressing) {
  EngineFacts e;
  e.operating_system = "Docker Desktop";
  auto t = decide_transport(TransportMode::kRemote, rt(RuntimeKind::kDocker), e, kHost);
  EXPECT_EQ(t->bind_address, "127.0.0.1");
  EXPECT_NE(t->reason.find("CX_TRANSPORT=remote; "), std::string::npos);
}

TEST(Transport, ParsesTheEnginesAnswers) {
  EngineFacts e;
  ASSERT_TRUE(parse_engine_info(rt(RuntimeKind::kDocker),
                                "Docker Desktop\tdocker-desktop\t6.10.14-linuxkit\t"
                                "[\"name=seccomp,profile=builtin\",\"name=rootless\"]\n",
                                e)
                  .ok());
  EXPECT_TRUE(e.rootless);
  EXPECT_EQ(e.operating_system, "Docker Desktop");
  EXPECT_EQ(e.hostname, "docker-desktop");
  EXPECT_EQ(e.kernel, "6.10.14-linuxkit");
  EngineFacts p;
  ASSERT_TRUE(parse_engine_info(rt(RuntimeKind::kPodman), "fedora\tlocalhost\t6.5\ttrue\n", p).ok());
  EXPECT_TRUE(p.podman_remote);
  EXPECT_FALSE(parse_engine_info(rt(RuntimeKind::kDocker), "just one field\n", e).ok());
  EXPECT_FALSE(parse_engine_info(rt(RuntimeKind::kPodman), "a\tb\tc\n", e).ok());
}

TEST(Transport, PodmansDefaultConnection) {
  EXPECT_FALSE(podman_has_default_connection(""));
  EXPECT_FALSE(podman_has_default_connection("false ssh://core@127.0.0.1:50111/run/podman.sock\n"));
  EXPECT_TRUE(podman_has_default_connection(
      "false ssh://a/run/p.sock\ntrue ssh://core@127.0.0.1:50111/run/user/501/podman/podman.sock\n"));
}

TEST(Transport, ParsesTheGateway) {
  EXPECT_EQ(*parse_gateway("10.88.0.0/16 10.88.0.1\n"), "10.88.0.1");
  // docker's default bridge names no gateway: the subnet's first address.
  EXPECT_EQ(*parse_gateway("172.17.0.0/16 \n"), "172.17.0.1");
  EXPECT_EQ(*parse_gateway("fd00::/64 \n192.168.5.0/24 192.168.5.1\n"), "192.168.5.1");
  EXPECT_FALSE(parse_gateway("").ok());
  EXPECT_FALSE(parse_gateway("garbage\n").ok());
}

TEST(Transport, ReadsTheEndpoint) {
  EngineFacts e;
  read_endpoint(rt(RuntimeKind::kDocker), env_from_map({{"DOCKER_HOST", "tcp://h:2375"}}), e);
  EXPECT_EQ(e.endpoint, "tcp://h:2375");
  EXPECT_EQ(e.endpoint_source, "DOCKER_HOST");
  EngineFacts p;
  read_endpoint(rt(RuntimeKind::kPodman), env_from_map({{"CONTAINER_HOST", "ssh://m/run/p.sock"},
                                                        {"DOCKER_HOST", "tcp://h:1"}}),
                p);
  EXPECT_EQ(p.endpoint, "ssh://m/run/p.sock");

  // The docker CLI's current context, as `docker context use` leaves it.
  const auto dir = std::filesystem::temp_directory_path() / ("cx-ctx-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "contexts/meta" / sha256_hex("desktop-linux"));
  std::ofstream(dir / "config.json") << R"({"auths":{},"currentContext":"desktop-linux"})";
  std::ofstream(dir / "contexts/meta" / sha256_hex("desktop-linux") / "meta.json")
      << R"({"Name":"desktop-linux","Endpoints":{"docker":{"Host":"unix:///home/me/.docker/desktop/docker.sock"}}})";
  EngineFacts c;
  read_endpoint(rt(RuntimeKind::kDocker), env_from_map({{"DOCKER_CONFIG", dir.string()}}), c);
  EXPECT_EQ(c.endpoint, "unix:///home/me/.docker/desktop/docker.sock");
  EXPECT_EQ(c.endpoint_source, "docker context desktop-linux");
  auto t = decide_transport(TransportMode::kAuto, rt(RuntimeKind::kDocker), c, kHost);
  EXPECT_EQ(t->kind, TransportKind::kRemote);
  // DOCKER_CONTEXT=default wins over the file.
  EngineFacts d;
  read_endpoint(rt(RuntimeKind::kDocker),
                env_from_map({{"DOCKER_CONFIG", dir.string()}, {"DOCKER_CONTEXT", "default"}}), d);
  EXPECT_TRUE(d.endpoint.empty());
  // A broken file is no endpoint, not a crash.
  std::ofstream(dir / "config.json") << "{not json";
  EngineFacts b;
  read_endpoint(rt(RuntimeKind::kDocker), env_from_map({{"DOCKER_CONFIG", dir.string()}}), b);
  EXPECT_TRUE(b.endpoint.empty());
  std::filesystem::remove_all(dir);
}

// podman's connections, from its files: the user's containers.conf (and
// its .d/), CONTAINERS_CONF, podman 5's podman-connections.json, and
// CONTAINER_CONNECTION.
TEST(Transport, PodmanConnectionsFromItsFiles) {
  const auto home = std::filesystem::temp_directory_path() / ("cx-pc-" + std::to_string(::getpid()));
  const auto conf = home / ".config/containers";
  std::filesystem::create_directories(conf / "containers.conf.d");
  const auto env = [&](std::map<std::string, std::string, std::less<>> extra = {}) {
    extra.emplace("HOME", home.string());
    return env_from_map(extra);
  };
  // This machine's own /etc and /usr/share files are read too: the
  // "nothing configured" answers hold only where they name no connection.
  const bool system_clean = !podman_connection_config(env());
  if (system_clean) {
    std::ofstream(conf / "containers.conf")
        << "[engine]\nruntime = \"runc\"\n# active_service = \"x\"\n  #[engine.service_destinations.x]\n"
           "active_services_note = 1\n";
    EXPECT_EQ(podman_connection_config(env()), std::nullopt);
  }
  std::ofstream(conf / "containers.conf.d/50-machine.conf")
      << "[engine]\nactive_service = \"podman-machine-default\"\n";
  EXPECT_EQ(podman_connection_config(env()), (conf / "containers.conf.d/50-machine.conf").string());
  std::filesystem::remove(conf / "containers.conf.d/50-machine.conf");

  std::ofstream(home / "other.conf")
      << "[engine.service_destinations.box]\nuri = \"ssh://me@box/run/podman/podman.sock\"\n";
  EXPECT_EQ(podman_connection_config(env({{"CONTAINERS_CONF", (home / "other.conf").string()}})),
            (home / "other.conf").string());
  EXPECT_EQ(podman_connection_config(env({{"CONTAINER_CONNECTION", "box"}})), "CONTAINER_CONNECTION");

  std::ofstream(conf / "podman-connections.json")
      << R"({"Connection":{"Default":"m","Connections":{"m":{"URI":"ssh://core@127.0.0.1:5555"}}}})";
  EXPECT_EQ(podman_connection_config(env()), (conf / "podman-connections.json").string());
  // XDG_CONFIG_HOME moves the user's directory.
  if (system_clean) {
    EXPECT_EQ(podman_connection_config(env({{"XDG_CONFIG_HOME", (home / "xdg").string()}})),
              std::nullopt);
  }
  std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace cx::runtime
