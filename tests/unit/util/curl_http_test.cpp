#include "util/curl_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

namespace cx {
namespace {

// A socket listening on 127.0.0.1 at a free port, which goes to `port`.
int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

// One-shot HTTP server on 127.0.0.1: reads one request, answers `reply`
// (or nothing, holding the connection, when `reply` is empty).
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }
  // The raw request; valid after the client's send() returned.
  const std::string& received() const { return received_; }

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    for (;;) {
      auto head_end = received_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto cl = received_.find("Content-Length: ");
        size_t body = cl == std::string::npos ? 0 : std::stoul(received_.substr(cl + 16));
        if (received_.size() >= head_end + 4 + body) break;
      }
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      received_.append(buf, static_cast<size_t>(n));
    }
    if (reply_.empty()) {
      ::read(c, buf, sizeof buf);  // until the client gives up
    } else {
      ::write(c, reply_.data(), reply_.size());
    }
    ::close(c);
  }

  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::string received_;
  std::thread thread_;
};

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class CurlHttpTest : public ::testing::Test {
 protected:
  ScopedEnv no_http_proxy_{"http_proxy", nullptr};
  ScopedEnv no_all_proxy_{"ALL_PROXY", nullptr};
};

TEST_F(CurlHttpTest, PostsBodyAndHeadersAndLowerCasesResponseHeaders) {
  OneShotServer server(
      "HTTP/1.1 201 Created\r\nX-Amzn-RequestId: abc\r\nSet-Thing: a\r\nSet-Thing: b\r\n"
      "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
  CurlHttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/path?x=1");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Custom", "v"}};
  req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "hello");
  EXPECT_EQ(res->headers.at("x-amzn-requestid"), "abc");
  EXPECT_EQ(res->headers.at("set-thing"), "a, b");
  const std::string& got = server.received();
  EXPECT_EQ(got.rfind("POST /path?x=1 HTTP/1.1\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("\r\nX-Custom: v\r\n"), std::string::npos);
  EXPECT_NE(got.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n"), std::string::npos);
  EXPECT_EQ(got.find("Expect:"), std::string::npos);
  EXPECT_EQ(got.substr(got.size() - req.body.size()), req.body);
}

TEST_F(CurlHttpTest, HttpErrorStatusIsAResponse) {
  OneShotServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
  CurlHttpClient client;
  HttpRequest req;
  req.url = server.url();
  auto res = client.send(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 503);
}

// A loopback port nobody listens on: bound, never listened, closed.
int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(CurlHttpTest, RefusedConnectionIsAClearError) {
  int port = unused_port();
  CurlHttpClient client;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/secret?token=abc";
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().message.rfind(
                "cannot reach http://127.0.0.1:" + std::to_string(port) + "/secret: ", 0),
            0u)
      << res.error().message;
  EXPECT_EQ(res.error().message.find("token=abc"), std::string::npos);
}

TEST_F(CurlHttpTest, UnresolvableHostNamesTheHost) {
  CurlHttpClient client;
  HttpRequest req;
  req.url = "https://sts.no-such-region.invalid/";
  req.timeout = std::chrono::milliseconds(5000);
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.error().message.find("cannot reach https://sts.no-such-region.invalid/: "),
            std::string::npos);
  EXPECT_NE(res.error().message.find("resolve"), std::string::npos) << res.error().message;
}

TEST_F(CurlHttpTest, TotalTimeoutComesFromTheRequest) {
  OneShotServer server("");  // never answers
  CurlHttpClient client;
  HttpRequest req;
  req.url = server.url();
  req.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto res = client.send(req);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.error().message.find("timed out"), std::string::npos) << res.error().message;
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(CurlHttpTest, HonoursTheProxyEnvironment) {
  OneShotServer proxy("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ScopedEnv env("http_proxy", proxy.url().c_str());
  ScopedEnv no_proxy("no_proxy", nullptr);
  ScopedEnv no_proxy_upper("NO_PROXY", nullptr);
  CurlHttpClient client;
  HttpRequest req;
  req.url = "http://sts.example.invalid/";
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(proxy.received().rfind("GET http://sts.example.invalid/ HTTP/1.1\r\n", 0), 0u)
      << proxy.received();
}

TEST_F(CurlHttpTest, RefusesOtherSchemes) {
  CurlHttpClient client;
  HttpRequest req;
  req.url = "file:///etc/passwd";
  EXPECT_FALSE(client.send(req).ok());
}

TEST_F(CurlHttpTest, UnreadableCaBundleIsATlsErrorWithAHint) {
  OneShotServer server("");  // accepts TCP; the bundle fails before any TLS byte matters
  CurlHttpClient client(CurlHttpOptions{"/nonexistent/ca.pem"});
  HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::milliseconds(2000);
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.error().message.find("/nonexistent/ca.pem"), std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().hint.find("CX_EXTRA_CA_CERTS"), std::string::npos);
}

TEST(CheckReachable, ListeningPortAndClosedPort) {
  // A listening socket completes the TCP handshake from its backlog: no accept needed.
  int port = 0;
  const int fd = listen_on_loopback(port);
  auto ok = check_reachable("127.0.0.1", port, std::chrono::seconds(5));
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  ::close(fd);  // nothing listens there now
  auto refused = check_reachable("127.0.0.1", port, std::chrono::seconds(5));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.rfind("cannot reach 127.0.0.1:" + std::to_string(port) + ": ", 0),
            0u)
      << refused.error().message;
  auto v6 = check_reachable("::1", port, std::chrono::seconds(5));
  ASSERT_FALSE(v6.ok());
  EXPECT_EQ(v6.error().message.rfind("cannot reach [::1]:" + std::to_string(port) + ": ", 0), 0u)
      << v6.error().message;
}

}  // namespace
}  // namespace cx
