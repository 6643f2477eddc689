#include "runtime/docker_api.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "runtime/transport.h"
#include "util/unique_fd.h"

namespace cx::runtime {

std::optional<std::string> docker_socket(const EnvLookup& env) {
  EngineFacts facts;
  read_endpoint(Runtime{"docker", RuntimeKind::kDocker, false, false}, env, facts);
  if (facts.endpoint.empty()) return std::string("/var/run/docker.sock");
  if (facts.endpoint.rfind("unix://", 0) == 0 && facts.endpoint.size() > 7)
    return facts.endpoint.substr(7);
  return std::nullopt;
}

Result<std::string> docker_api_get(const std::string& socket, const std::string& path,
                                   std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (socket.empty() || socket.size() >= sizeof addr.sun_path)
    return make_error("the docker socket path is empty or too long");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket.data(), socket.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return make_error("cannot connect to " + socket + ": " + std::strerror(errno));
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n";
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return make_error("cannot send to " + socket);

  // HTTP/1.0: the daemon closes the connection after the answer.
  constexpr size_t kMax = 4 << 20;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string answer;
  char buf[16384];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_error("the docker daemon did not answer in time");
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return make_error("the docker daemon did not answer in time");
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(std::string("reading the docker socket: ") + std::strerror(errno));
    if (n == 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.size() > kMax) return make_error("the docker daemon's answer is too large");
  }
  const size_t head_end = answer.find("\r\n\r\n");
  if (head_end == std::string::npos || answer.compare(0, 5, "HTTP/") != 0)
    return make_error("the docker socket did not answer HTTP");
  const size_t space = answer.find(' ');
  if (space == std::string::npos || space > head_end || answer.compare(space + 1, 3, "200") != 0)
    return make_error("the docker daemon answered " +
                      answer.substr(0, std::min(answer.find("\r\n"), size_t{80})));
  return answer.substr(head_end + 4);
}

Result<DockerInfo> parse_docker_info_json(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("docker's /info is not a JSON object");
  DockerInfo info;
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  info.operating_system = text("OperatingSystem");
  info.name = text("Name");
  info.kernel = text("KernelVersion");
  if (j.contains("SecurityOptions") && j["SecurityOptions"].is_array())
    for (const auto& o : j["SecurityOptions"])
      if (o.is_string() && o.get<std::string>().find("name=rootless") != std::string::npos)
        info.rootless = true;
  if (info.name.empty() && info.kernel.empty())
    return make_error("docker's /info names neither the host nor its kernel");
  return info;
}

namespace {

Result<DockerInfo> ask_docker(const std::string& docker, const EnvLookup& env) {
  if (auto socket = docker_socket(env)) {
    auto body = docker_api_get(*socket, "/info", std::chrono::seconds(15));
    if (body) {
      if (auto info = parse_docker_info_json(*body)) return info;
    }
  }
  // The client: it knows every endpoint kind (tcp://, ssh://, TLS, ...).
  auto facts = engine_info(Runtime{docker, RuntimeKind::kDocker, false, false});
  if (!facts) return facts.error();
  return DockerInfo{facts->operating_system, facts->hostname, facts->kernel, facts->rootless};
}

}  // namespace

Result<DockerInfo> docker_info(const std::string& docker, const EnvLookup& env) {
  // Once per process and client: the rootless check and the transport both ask.
  static std::mutex mu;
  static std::map<std::string, Result<DockerInfo>> memo;
  std::lock_guard<std::mutex> lock(mu);
  auto it = memo.find(docker);
  if (it == memo.end()) it = memo.emplace(docker, ask_docker(docker, env)).first;
  return it->second;
}

}  // namespace cx::runtime
