#include "broker/broker.h"

#include <thread>

#include <mutex>

#include <csignal>
#include <condition_variable>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "broker_test_support.h"

namespace cx::broker {
namespace {

using namespace testing;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

TEST(Broker, StartFailsWhenTheDirectoryIsMissingAndNothingListens) {
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path + "/missing";
  Broker broker(std::move(config));
  Status st = broker.start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("does not exist"), std::string::npos);
  EXPECT_FALSE(connect_unix(broker.proxy_socket()).ok());
  EXPECT_FALSE(connect_unix(broker.lifeline_socket()).ok());
}

TEST(Broker, ABindFailureLeavesNoSocketListening) {
  TempDir dir;
  // Something already occupies the lifeline's name: the broker must not
  // half-start with the proxy listening.
  ASSERT_EQ(::mkdir((dir.path + "/lifeline.sock").c_str(), 0700), 0);
  BrokerConfig config;
  config.directory = dir.path;
  Broker broker(std::move(config));
  Status st = broker.start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("lifeline.sock"), std::string::npos);
  EXPECT_FALSE(exists(broker.proxy_socket()));
  EXPECT_FALSE(connect_unix(broker.proxy_socket()).ok());
}

TEST(Broker, SocketsAreOwnerOnlyAndRemovedOnStop) {
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  for (const std::string& p : {broker.proxy_socket(), broker.lifeline_socket()}) {
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
  }
  broker.stop();
  broker.stop();  // idempotent
  EXPECT_FALSE(exists(broker.proxy_socket()));
  EXPECT_FALSE(exists(broker.lifeline_socket()));
}

TEST(Broker, StartTwiceIsAnError) {
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  EXPECT_FALSE(broker.start().ok());
}

TEST(Broker, StopClosesOpenTunnelsAndReportsThem) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  TempDir dir;
  AuditLog audit;
  BrokerConfig config;
  config.directory = dir.path;
  config.allowlist = Allowlist({*parse_allow_entry(target)});
  config.audit = audit.sink();
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  Fd c = connect_unix(broker.proxy_socket());
  send_all(c.fd, "CONNECT " + target + " HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(read_until(c.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 200"));
  broker.stop();
  EXPECT_TRUE(read_to_eof(c.fd, 1000ms).eof);
  auto events = audit.wait_for(1, 100ms);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "the broker stopped");
}

TEST(Broker, ThrowingAuditSinkDoesNotStopTheBroker) {
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  config.allowlist = Allowlist({*parse_allow_entry("allowed.example")});
  config.audit = [](const AuditEvent&) { throw std::runtime_error("disk full"); };
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  for (int i = 0; i < 2; ++i) {
    Fd c = connect_unix(broker.proxy_socket());
    send_all(c.fd, "CONNECT evil.example:443 HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(read_to_eof(c.fd).data.starts_with("HTTP/1.1 403"));
  }
}

// The io thread stalled mid-session (the audit sink blocks on a hung disk):
// egress fails closed (nothing is answered), and stopping gives up after its
// limit instead of hanging cx at the end of the session.
TEST(Broker, AStalledIoThreadFailsClosedAndStopGivesUp) {
  // The stalled broker's threads live on to the end of this test binary:
  // they are born with the signals other tests send themselves blocked (as
  // cx's threads are), so those signals never reach them.
  sigset_t block, saved;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&block, sig);
  ::pthread_sigmask(SIG_BLOCK, &block, &saved);
  TempDir dir;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  BrokerConfig config;
  config.directory = dir.path;
  config.audit = [&](const AuditEvent&) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  auto broker = std::make_unique<Broker>(std::move(config));
  ASSERT_TRUE(broker->start().ok());
  {
    Fd first = connect_unix(broker->proxy_socket());
    send_all(first.fd, "CONNECT evil.example:443 HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(read_until(first.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 403"));
  }  // closed: its audit event is emitted, and the sink stalls the io thread
  std::this_thread::sleep_for(200ms);
  Fd second = connect_unix(broker->proxy_socket());
  send_all(second.fd, "CONNECT evil.example:443 HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(read_until(second.fd, "\r\n\r\n", 300ms).data.empty()) << "answered while stalled";
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(broker->stop_within(200ms));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_FALSE(broker->stop_within(200ms)) << "stays stalled";
  broker.reset();  // detaches the stalled thread; must not hang or crash
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  std::this_thread::sleep_for(100ms);  // the thread finishes on memory left to it
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

}  // namespace

// --- the remote transport's TCP listeners ---------------------------------

Fd connect_tcp(const char* ip, uint16_t port) {
  Fd f;
  f.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &sa.sin_addr);
  if (::connect(f.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(f.fd);
    f.fd = -1;
  }
  return f;
}

std::string auth(const std::string& secret) {
  return "Proxy-Authorization: " + basic_authorization("cx", secret) + "\r\n";
}

TEST(BrokerTcp, ListensOnTcpOnlyAndWantsTheProxySecret) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  TempDir dir;
  AuditLog audit;
  BrokerConfig config;
  config.directory = dir.path;
  config.allowlist = Allowlist({*parse_allow_entry(target)});
  config.audit = audit.sink();
  config.tcp = TcpListen{"127.0.0.1", false, "s3cret"};
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  ASSERT_NE(broker.proxy_port(), 0);
  EXPECT_EQ(broker.credentials_port(), 0);  // no vendor: no credential endpoint
  // No unix socket at all on this transport.
  EXPECT_FALSE(exists(broker.proxy_socket()));
  EXPECT_FALSE(exists(broker.lifeline_socket()));

  // Without the secret, with a wrong one, with another user: 407, and the
  // target is never dialled.
  for (const std::string& header :
       {std::string(), auth("wrong"), auth("s3cre"), auth("s3cretX"),
        "Proxy-Authorization: " + basic_authorization("root", "s3cret") + "\r\n",
        std::string("Proxy-Authorization: Basic\r\n"),
        std::string("Authorization: ") + basic_authorization("cx", "s3cret") + "\r\n"}) {
    Fd c = connect_tcp("127.0.0.1", broker.proxy_port());
    ASSERT_GE(c.fd, 0);
    send_all(c.fd, "CONNECT " + target + " HTTP/1.1\r\n" + header + "\r\n");
    const std::string reply = read_until(c.fd, "\r\n\r\n").data;
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 407")) << header << reply;
    EXPECT_NE(reply.find("Proxy-Authenticate: Basic"), std::string::npos);
  }
  EXPECT_EQ(server.accepted.load(), 0);

  // With it: the tunnel works.
  Fd c = connect_tcp("127.0.0.1", broker.proxy_port());
  send_all(c.fd, "CONNECT " + target + " HTTP/1.1\r\n" + auth("s3cret") + "\r\n");
  ASSERT_TRUE(read_until(c.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 200"));
  send_all(c.fd, "ping");
  ::shutdown(c.fd, SHUT_WR);
  EXPECT_EQ(read_to_eof(c.fd).data, "ping");
  auto events = audit.wait_for(8, 2000ms);
  ASSERT_EQ(events.size(), 8u);
  int refused = 0;
  for (const auto& e : events) refused += e.reason == "proxy authentication required";
  EXPECT_EQ(refused, 7);
}

TEST(BrokerTcp, TheSecretIsNotForwardedUpstream) {
  std::mutex mu;
  std::string seen;
  TcpServer server("127.0.0.2", [&](int fd) {
    auto head = read_until(fd, "\r\n\r\n").data;
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = head;
    }
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  config.allowlist = Allowlist({*parse_allow_entry(target)});
  config.tcp = TcpListen{"127.0.0.1", false, "s3cret"};
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  Fd c = connect_tcp("127.0.0.1", broker.proxy_port());
  send_all(c.fd, "GET http://" + target + "/x HTTP/1.1\r\nHost: " + target + "\r\n" +
                     auth("s3cret") + "\r\n");
  const std::string reply = read_to_eof(c.fd).data;
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(seen.starts_with("GET /x HTTP/1.1")) << seen;
  EXPECT_EQ(seen.find("s3cret"), std::string::npos) << seen;
  EXPECT_EQ(seen.find(basic_authorization("cx", "s3cret").substr(6)), std::string::npos);
}

TEST(BrokerTcp, NeedsASecretAndAnAddress) {
  TempDir dir;
  {
    BrokerConfig config;
    config.directory = dir.path;
    config.tcp = TcpListen{"127.0.0.1", false, ""};
    Broker broker(std::move(config));
    EXPECT_FALSE(broker.start().ok());
  }
  BrokerConfig config;
  config.directory = dir.path;
  config.tcp = TcpListen{"not-an-address", false, "x"};
  Broker broker(std::move(config));
  Status st = broker.start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("not an IP address"), std::string::npos);
}

}  // namespace cx::broker
