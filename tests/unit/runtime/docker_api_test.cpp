#include "runtime/docker_api.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "util/env.h"

namespace cx::runtime {
namespace {

// A one-shot server on a unix socket: reads the request, answers `reply`
// (or nothing, holding the connection, when `silent`), and keeps the
// request it got.
class OneShotServer {
 public:
  OneShotServer(std::string reply, bool silent = false) {
    path_ = (std::filesystem::temp_directory_path() /
             ("cx-dapi-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
                .string();
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    ::unlink(path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    thread_ = std::thread([this, reply = std::move(reply), silent] {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n > 0) request_.assign(buf, static_cast<size_t>(n));
      if (silent) {
        ::recv(c, buf, sizeof buf, 0);  // until the client gives up
      } else {
        size_t off = 0;
        while (off < reply.size()) {
          const ssize_t w = ::send(c, reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
          if (w <= 0) break;
          off += static_cast<size_t>(w);
        }
      }
      ::close(c);
    });
  }
  ~OneShotServer() {
    thread_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  const std::string& request() const { return request_; }

 private:
  static inline int counter_ = 0;
  std::string path_, request_;
  int fd_ = -1;
  std::thread thread_;
};

constexpr const char* kInfo =
    R"j({"Name":"box","KernelVersion":"6.1.0-13-amd64","OperatingSystem":"Debian GNU/Linux 12 (bookworm)",)j"
    R"j("SecurityOptions":["name=seccomp,profile=builtin","name=rootless","name=cgroupns"]})j";

TEST(DockerApi, GetsTheInfoOverTheSocket) {
  OneShotServer s(std::string("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n") + kInfo);
  auto body = docker_api_get(s.path(), "/info", std::chrono::seconds(5));
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(*body, kInfo);
  EXPECT_EQ(s.request().rfind("GET /info HTTP/1.0\r\n", 0), 0u) << s.request();
  auto info = parse_docker_info_json(*body);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "box");
  EXPECT_EQ(info->kernel, "6.1.0-13-amd64");
  EXPECT_EQ(info->operating_system, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_TRUE(info->rootless);
}

TEST(DockerApi, RefusesWhatIsNotA200OrNotHttp) {
  {
    OneShotServer s("HTTP/1.0 404 Not Found\r\n\r\n{\"message\":\"page not found\"}");
    auto r = docker_api_get(s.path(), "/info", std::chrono::seconds(5));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("404"), std::string::npos);
  }
  {
    OneShotServer s("SSH-2.0-OpenSSH_9.2\r\n");
    EXPECT_FALSE(docker_api_get(s.path(), "/info", std::chrono::seconds(5)));
  }
  {
    OneShotServer s("HTTP/1.0 200 OK\r\n");  // no end of the head
    EXPECT_FALSE(docker_api_get(s.path(), "/info", std::chrono::seconds(5)));
  }
  EXPECT_FALSE(docker_api_get("/nonexistent/docker.sock", "/info", std::chrono::seconds(1)));
  EXPECT_FALSE(docker_api_get(std::string(200, 'x'), "/info", std::chrono::seconds(1)));
}

TEST(DockerApi, GivesUpOnASilentOrEndlessDaemon) {
  {
    OneShotServer s("", /*silent=*/true);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = docker_api_get(s.path(), "/info", std::chrono::milliseconds(200));
    EXPECT_FALSE(r);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  }
  {
    OneShotServer s("HTTP/1.0 200 OK\r\n\r\n" + std::string(5 << 20, 'x'));
    auto r = docker_api_get(s.path(), "/info", std::chrono::seconds(10));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("too large"), std::string::npos);
  }
}

TEST(DockerApi, ParsesOnlyWhatItNeeds) {
  EXPECT_FALSE(parse_docker_info_json("not json"));
  EXPECT_FALSE(parse_docker_info_json("[1,2]"));
  EXPECT_FALSE(parse_docker_info_json(R"({"Name":7})"));
  auto i = parse_docker_info_json(R"({"Name":"h","KernelVersion":"k","SecurityOptions":"x"})");
  ASSERT_TRUE(i);
  EXPECT_FALSE(i->rootless);
}

TEST(DockerApi, FindsTheSocketTheClientWouldUse) {
  using M = std::map<std::string, std::string, std::less<>>;
  EXPECT_EQ(docker_socket(env_from_map(M{{"HOME", "/nonexistent"}})), "/var/run/docker.sock");
  EXPECT_EQ(docker_socket(env_from_map(M{{"DOCKER_HOST", "unix:///run/user/1000/docker.sock"}})),
            "/run/user/1000/docker.sock");
  EXPECT_EQ(docker_socket(env_from_map(M{{"DOCKER_HOST", "tcp://10.0.0.2:2375"}})), std::nullopt);
  EXPECT_EQ(docker_socket(env_from_map(M{{"DOCKER_HOST", "ssh://me@box"}})), std::nullopt);
}

}  // namespace
}  // namespace cx::runtime
