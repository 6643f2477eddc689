#include "broker/egress_proxy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <optional>

#include "broker/broker.h"
#include "broker_test_support.h"
#include "util/portable.h"

namespace cx::broker {
namespace {

using namespace testing;

AllowEntry entry(const std::string& text) { return *parse_allow_entry(text); }

struct ProxyHarness {
  TempDir dir;
  AuditLog audit;
  std::shared_ptr<FakeResolver> resolver = std::make_shared<FakeResolver>();
  std::unique_ptr<Broker> broker;

  explicit ProxyHarness(std::vector<AllowEntry> rules, UpstreamProxy upstream = {},
                        BrokerLimits limits = {}) {
    BrokerConfig config;
    config.directory = dir.path;
    config.allowlist = Allowlist(std::move(rules));
    config.upstream = std::move(upstream);
    config.limits = limits;
    config.audit = audit.sink();
    config.resolver = resolver;
    broker = std::make_unique<Broker>(std::move(config));
    Status st = broker->start();
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  }

  Fd client() { return connect_unix(broker->proxy_socket()); }

  // Sends `request` on a new connection and returns the answer up to the end of its head.
  std::string ask(const std::string& request) {
    Fd c = client();
    send_all(c.fd, request);
    return read_until(c.fd, "\r\n\r\n").data;
  }
};

std::string connect_request(const std::string& authority) {
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
}

constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";

TEST(EgressProxy, ConnectToListedLoopbackPortRelaysBothWays) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)});

  Fd c = h.client();
  ASSERT_TRUE(send_all(c.fd, connect_request(target)));
  ReadResult head = read_until(c.fd, "\r\n\r\n");
  ASSERT_EQ(head.data, kEstablished);

  const std::string payload(300 * 1024, 'x');
  std::thread writer([&] {
    send_all(c.fd, "ping");
    send_all(c.fd, payload);
    ::shutdown(c.fd, SHUT_WR);  // half-close: the echo must still come back
  });
  ReadResult echoed = read_to_eof(c.fd);
  writer.join();
  EXPECT_TRUE(echoed.eof);
  EXPECT_EQ(echoed.data, "ping" + payload);

  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  const AuditEvent& e = events[0];
  EXPECT_EQ(e.kind, AuditEvent::Kind::egress);
  EXPECT_EQ(e.host, "127.0.0.2");
  EXPECT_EQ(e.port, server.port());
  EXPECT_TRUE(e.allowed);
  EXPECT_EQ(e.reason, "");
  EXPECT_EQ(e.address, "127.0.0.2");
  EXPECT_EQ(e.bytes_up, payload.size() + 4);
  EXPECT_EQ(e.bytes_down, payload.size() + 4);
  EXPECT_TRUE(h.resolver->seen().empty()) << "an IP literal is not resolved";
}

TEST(EgressProxy, BytesSentWithTheConnectHeadAreForwarded) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)});
  Fd c = h.client();
  // A client may start its TLS handshake without waiting for the 200.
  send_all(c.fd, connect_request(target) + "early");
  ReadResult r = read_until(c.fd, "early");
  EXPECT_EQ(r.data, std::string(kEstablished) + "early");
}

TEST(EgressProxy, UnlistedNameIsRefusedBeforeAnyLookup) {
  ProxyHarness h({entry("allowed.example")});
  h.resolver->answers["evil.example"] = {"93.184.216.34"};
  Fd c = h.client();
  send_all(c.fd, connect_request("evil.example:443"));
  ReadResult r = read_to_eof(c.fd);
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 403 Forbidden\r\n")) << r.data;
  EXPECT_NE(r.data.find("X-Cx-Denied: "), std::string::npos);
  EXPECT_TRUE(r.eof);
  EXPECT_TRUE(h.resolver->seen().empty());

  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].host, "evil.example");
  EXPECT_EQ(events[0].port, 443);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_FALSE(events[0].reason.empty());
}

TEST(EgressProxy, AllowedPortOnlyForTheListedHost) {
  ProxyHarness h({entry("allowed.example")});
  EXPECT_TRUE(h.ask(connect_request("allowed.example:22")).starts_with("HTTP/1.1 403"));
  EXPECT_TRUE(h.resolver->seen().empty());
}

TEST(EgressProxy, MetadataServiceIsRefused) {
  ProxyHarness h({entry("allowed.example")});
  EXPECT_TRUE(h.ask(connect_request("169.254.169.254:80")).starts_with("HTTP/1.1 403"));
}

TEST(EgressProxy, ListedMetadataAddressWithoutItsPortIsStillRefused) {
  // The entry parser refuses it; a rule made without it is still refused.
  ASSERT_FALSE(parse_allow_entry("169.254.169.254").ok());
  ProxyHarness h({AllowEntry{AllowEntry::Kind::exact, Host{HostKind::ipv4, "169.254.169.254"}, 443,
                             false, "test"}});
  const std::string r = h.ask(connect_request("169.254.169.254:443"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
}

TEST(EgressProxy, NameListedWithItsPortNeverReachesTheMetadataService) {
  ProxyHarness h({entry("stand-in.example:80")});
  h.resolver->answers["stand-in.example"] = {"10.0.0.5", "169.254.169.254"};
  const std::string r = h.ask(connect_request("stand-in.example:80"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_NE(events[0].reason.find("never connects"), std::string::npos) << events[0].reason;
}

// Rules made without the entry parser (which refuses these entries) still
// never reach the metadata service or link-local addresses.
TEST(EgressProxy, MetadataAddressesAreRefusedWhateverIsListed) {
  for (const char* authority : {"169.254.169.254:80", "[fd00:ec2::254]:80",
                                "[::ffff:169.254.169.254]:80", "[fe80::1]:80"}) {
    auto hp = parse_authority(authority);
    ASSERT_TRUE(hp.ok()) << authority;
    ProxyHarness h({AllowEntry{AllowEntry::Kind::exact, hp->host, 80, true, "test"}});
    const std::string r = h.ask(connect_request(authority));
    EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << authority << ": " << r;
  }
}

TEST(EgressProxy, NumericFormOfLoopbackIsRefused) {
  ProxyHarness h({entry("allowed.example")});
  EXPECT_TRUE(h.ask(connect_request("2130706433:443")).starts_with("HTTP/1.1 403"));
  EXPECT_TRUE(h.resolver->seen().empty());
}

TEST(EgressProxy, ListedNameResolvingToLoopbackIsRefused) {
  ProxyHarness h({entry("api.example")});
  h.resolver->answers["api.example"] = {"127.0.0.1"};
  const std::string r = h.ask(connect_request("api.example:443"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
  EXPECT_EQ(h.resolver->seen(), std::vector<std::string>{"api.example"});
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_NE(events[0].reason.find("loopback"), std::string::npos) << events[0].reason;
}

TEST(EgressProxy, AnySpecialAnswerRefusesTheName) {
  ProxyHarness h({entry("api.example")});
  h.resolver->answers["api.example"] = {"93.184.216.34", "10.1.2.3"};
  EXPECT_TRUE(h.ask(connect_request("api.example:443")).starts_with("HTTP/1.1 403"));
}

TEST(EgressProxy, NameListedWithItsPortMayResolveToLoopbackAndIsResolvedOnce) {
  TcpServer server("127.0.0.2", echo);
  const std::string port = std::to_string(server.port());
  ProxyHarness h({entry("stand-in.example:" + port)});
  h.resolver->answers["stand-in.example"] = {"127.0.0.2"};
  Fd c = h.client();
  send_all(c.fd, connect_request("stand-in.example:" + port));
  ASSERT_EQ(read_until(c.fd, "\r\n\r\n").data, kEstablished);
  send_all(c.fd, "hello");
  EXPECT_EQ(read_until(c.fd, "hello").data, "hello");
  EXPECT_EQ(h.resolver->seen(), std::vector<std::string>{"stand-in.example"});
  c = Fd();
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].address, "127.0.0.2");
}

// An HTTP server that records what it received, then answers and closes.
struct RecordingHttpServer {
  std::mutex mu;
  std::string received;
  std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  TcpServer server{"127.0.0.2", [this](int fd) {
                     ReadResult head = read_until(fd, "\r\n\r\n");
                     // Anything more within a moment (a body, or a second
                     // request that must not arrive) is recorded too.
                     ReadResult more = read_until(fd, "\x01", 300ms);
                     {
                       std::lock_guard<std::mutex> lock(mu);
                       received = head.data + more.data;
                     }
                     send_all(fd, response);
                   }};
  std::string got() {
    std::lock_guard<std::mutex> lock(mu);
    return received;
  }
};

TEST(EgressProxy, AbsoluteFormIsForwardedOnceAndPipelinedRequestIsNot) {
  RecordingHttpServer http;
  const std::string authority = "127.0.0.2:" + std::to_string(http.server.port());
  ProxyHarness h({entry(authority)});
  Fd c = h.client();
  send_all(
      c.fd,
      "POST http://" + authority + "/model/x/invoke HTTP/1.1\r\nHost: " + authority +
          "\r\nContent-Length: 4\r\nProxy-Connection: keep-alive\r\n\r\nbody"
          "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n");
  ReadResult r = read_to_eof(c.fd);
  EXPECT_EQ(r.data, http.response);
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(http.got(), "POST /model/x/invoke HTTP/1.1\r\nHost: " + authority +
                            "\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody");
  EXPECT_EQ(http.server.accepted.load(), 1);
  c = Fd();  // else the proxy lingers, reading what the client still sends
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].allowed);
  EXPECT_EQ(events[0].bytes_up, 4u);
  EXPECT_EQ(events[0].bytes_down, http.response.size());
}

TEST(EgressProxy, AbsoluteFormToAnUnlistedHostIsRefused) {
  ProxyHarness h({entry("allowed.example")});
  const std::string r = h.ask("GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
  EXPECT_TRUE(h.resolver->seen().empty());
}

TEST(EgressProxy, ChunkedRequestBodyGets411) {
  RecordingHttpServer http;
  const std::string authority = "127.0.0.2:" + std::to_string(http.server.port());
  ProxyHarness h({entry(authority)});
  const std::string r = h.ask("POST http://" + authority +
                              "/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 411 Length Required\r\n")) << r;
  EXPECT_EQ(http.server.accepted.load(), 0);
}

TEST(EgressProxy, SlowHeadGets408WithinTheDeadline) {
  BrokerLimits limits;
  limits.head_timeout = 200ms;
  ProxyHarness h({entry("allowed.example")}, {}, limits);
  Fd c = h.client();
  const auto start = std::chrono::steady_clock::now();
  send_all(c.fd, "CONNECT allowed.exa");
  ReadResult r = read_to_eof(c.fd, 1500ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 408 Request Timeout\r\n")) << r.data;
  EXPECT_TRUE(r.eof);
  EXPECT_LT(took, 1500ms);
}

TEST(EgressProxy, TricklingBytesDoNotExtendTheDeadline) {
  BrokerLimits limits;
  limits.head_timeout = 300ms;
  ProxyHarness h({entry("allowed.example")}, {}, limits);
  Fd c = h.client();
  const auto start = std::chrono::steady_clock::now();
  std::string got;
  for (int i = 0; i < 20 && got.empty(); ++i) {
    send_all(c.fd, "X");
    got = read_until(c.fd, "\r\n\r\n", 50ms).data;
  }
  if (got.empty()) got = read_until(c.fd, "\r\n\r\n", 500ms).data;
  EXPECT_TRUE(got.starts_with("HTTP/1.1 408")) << got;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 900ms);
}

TEST(EgressProxy, MalformedHeadGets400) {
  ProxyHarness h({entry("allowed.example")});
  EXPECT_TRUE(h.ask("GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_TRUE(h.ask("GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 400"));
  EXPECT_TRUE(h.ask("CONNECT a.example:443 HTTP/1.1\nHost: x\n\n").starts_with("HTTP/1.1 400"));
}

// The audit event of a request that never parsed says what it named.
TEST(EgressProxy, MalformedRequestsAreLoggedWithWhatTheyNamed) {
  struct Case {
    std::string request;
    std::string target;
  };
  for (const Case& c : std::vector<Case>{
           {"CONNECT evil.example:99999 HTTP/1.1\r\n\r\n", "evil.example:99999"},
           {"GET /latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n",
            "169.254.169.254/latest/meta-data/"},
           {"CONNECT ev\x01il.\xc3\xa9xample:443 HTTP/1.1\r\n\r\n",
            "ev\\x01il.\\xc3\\xa9xample:443"},
           {std::string("\x16\x03\x01\x02\x00\x01\r\n", 8), "\\x16\\x03\\x01\\x02\\x00\\x01"},
           {"GARBAGE\r\n\r\n", "GARBAGE"},
       }) {
    ProxyHarness h({entry("allowed.example")});
    const std::string r = h.ask(c.request);
    EXPECT_TRUE(r.starts_with("HTTP/1.1 400")) << r;
    auto events = h.audit.wait_for(1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].malformed);
    EXPECT_FALSE(events[0].allowed);
    EXPECT_EQ(events[0].host, "");
    EXPECT_EQ(events[0].target, c.target);
    EXPECT_FALSE(events[0].reason.empty());
    EXPECT_TRUE(h.resolver->seen().empty());
  }
}

TEST(EgressProxy, SlowAndCutShortHeadsAreLoggedWithWhatTheyNamed) {
  BrokerLimits limits;
  limits.head_timeout = 200ms;
  ProxyHarness h({entry("allowed.example")}, {}, limits);
  {
    Fd c = h.client();
    send_all(c.fd, "CONNECT allowed.exa");
    EXPECT_TRUE(read_to_eof(c.fd, 1500ms).data.starts_with("HTTP/1.1 408"));
  }
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].malformed);
  EXPECT_EQ(events[0].target, "allowed.exa");
  {
    Fd c = h.client();
    send_all(c.fd, "CONNECT x" + std::string(300, 'y'));
  }
  events = h.audit.wait_for(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[1].malformed);
  EXPECT_EQ(events[1].target, "x" + std::string(199, 'y') + "...");  // bounded
}

TEST(EgressProxy, ParsedRequestsAreNotMalformed) {
  ProxyHarness h({entry("allowed.example")});
  EXPECT_TRUE(h.ask(connect_request("evil.example:443")).starts_with("HTTP/1.1 403"));
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].malformed);
  EXPECT_EQ(events[0].target, "");
}

TEST(EgressProxy, DuplicateContentLengthGets400) {
  ProxyHarness h({entry("allowed.example:80")});
  const std::string r = h.ask(
      "POST http://allowed.example/ HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 400")) << r;
  EXPECT_TRUE(h.resolver->seen().empty());
}

TEST(EgressProxy, OversizedHeadGets431) {
  ProxyHarness h({entry("allowed.example")});
  std::string req = "CONNECT allowed.example:443 HTTP/1.1\r\n";
  for (int i = 0; i < 2000; ++i) req += "X-Pad-" + std::to_string(i) + ": 0123456789012345\r\n";
  Fd c = h.client();
  send_all(c.fd, req);
  EXPECT_TRUE(read_until(c.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 431"));
}

TEST(EgressProxy, RefusedConnectionGets502NamingTheTarget) {
  const uint16_t port = free_port("127.0.0.2");
  const std::string target = "127.0.0.2:" + std::to_string(port);
  ProxyHarness h({entry(target)});
  Fd c = h.client();
  send_all(c.fd, connect_request(target));
  ReadResult r = read_to_eof(c.fd);
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << r.data;
  EXPECT_NE(r.data.find("cannot connect to " + target + ": "), std::string::npos) << r.data;
}

TEST(EgressProxy, SlowResolutionGets502AfterTheConnectTimeout) {
  BrokerLimits limits;
  limits.connect_timeout = 150ms;
  ProxyHarness h({entry("slow.example")}, {}, limits);
  h.resolver->answers["slow.example"] = {"93.184.216.34"};
  h.resolver->delay = 600ms;
  Fd c = h.client();
  const auto start = std::chrono::steady_clock::now();
  send_all(c.fd, connect_request("slow.example:443"));
  ReadResult r = read_until(c.fd, "\r\n\r\n", 1000ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 550ms);
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 502")) << r.data;
  EXPECT_NE(r.data.find("cannot connect to slow.example:443: timed out"), std::string::npos);
}

TEST(EgressProxy, IdleTunnelIsClosed) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  BrokerLimits limits;
  limits.idle_timeout = 200ms;
  ProxyHarness h({entry(target)}, {}, limits);
  Fd c = h.client();
  send_all(c.fd, connect_request(target));
  ASSERT_EQ(read_until(c.fd, "\r\n\r\n").data, kEstablished);
  ReadResult r = read_to_eof(c.fd, 1500ms);
  EXPECT_TRUE(r.eof);
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].reason.find("idle"), std::string::npos) << events[0].reason;
}

TEST(EgressProxy, ConnectionsBeyondTheCapWaitForAFreeSlot) {
  BrokerLimits limits;
  limits.max_connections = 1;
  ProxyHarness h({entry("allowed.example")}, {}, limits);
  Fd first = h.client();
  send_all(first.fd, "CONNECT allowed");  // holds the only slot
  Fd second = h.client();
  ASSERT_TRUE(second.ok());  // waits in the backlog
  send_all(second.fd, connect_request("evil.example:443"));
  EXPECT_EQ(read_until(second.fd, "\r\n\r\n", 200ms).data, "");
  first = Fd();
  EXPECT_TRUE(read_until(second.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 403"));
}

// A fake corporate proxy: records the CONNECT head, answers `status`, then echoes.
struct FakeUpstreamProxy {
  std::mutex mu;
  std::string head;
  std::string status = "200 Connection established";
  TcpServer server{"127.0.0.1", [this](int fd) {
                     ReadResult r = read_until(fd, "\r\n\r\n");
                     {
                       std::lock_guard<std::mutex> lock(mu);
                       head = r.data;
                     }
                     send_all(fd, "HTTP/1.1 " + status + "\r\n\r\n");
                     if (status.starts_with("200")) echo(fd);
                   }};
  std::string got() {
    std::lock_guard<std::mutex> lock(mu);
    return head;
  }
  UpstreamProxy setting(std::vector<NoProxyRule> no_proxy = {}) {
    ProxyEndpoint e{*parse_authority("127.0.0.1:" + std::to_string(server.port())), "Basic dTpw"};
    return UpstreamProxy(e, std::move(no_proxy));
  }
};

TEST(EgressProxy, UpstreamProxyGetsConnectForTheCheckedName) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("api.example")}, upstream.setting());
  h.resolver->answers["api.example"] = {"93.184.216.34"};
  Fd c = h.client();
  send_all(c.fd, connect_request("API.Example.:443"));
  ASSERT_EQ(read_until(c.fd, "\r\n\r\n").data, kEstablished);
  send_all(c.fd, "tls");
  EXPECT_EQ(read_until(c.fd, "tls").data, "tls");
  EXPECT_EQ(upstream.got(),
            "CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n"
            "Proxy-Authorization: Basic dTpw\r\n\r\n");
  EXPECT_EQ(h.resolver->seen(), std::vector<std::string>{"api.example"})
      << "the name is checked on this host first";
  c = Fd();
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].via_upstream_proxy);
  EXPECT_TRUE(events[0].allowed);
}

TEST(EgressProxy, UpstreamProxyPathRefusesANameThatResolvesToLoopback) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("api.example")}, upstream.setting());
  h.resolver->answers["api.example"] = {"93.184.216.34", "127.0.0.1"};
  const std::string r = h.ask(connect_request("api.example:443"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
  EXPECT_EQ(upstream.server.accepted.load(), 0);
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_NE(events[0].reason.find("loopback"), std::string::npos) << events[0].reason;
}

TEST(EgressProxy, UpstreamProxyPathFollowsTheListedHostPortRule) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("git.corp:443"), entry("meta.corp:443")}, upstream.setting());
  h.resolver->answers["git.corp"] = {"10.1.2.3"};
  h.resolver->answers["meta.corp"] = {"169.254.169.254"};
  // Listed with its port: a private address is allowed, through the upstream too.
  EXPECT_EQ(h.ask(connect_request("git.corp:443")), kEstablished);
  EXPECT_TRUE(upstream.got().starts_with("CONNECT git.corp:443 HTTP/1.1\r\n"));
  // The metadata service never.
  const std::string r = h.ask(connect_request("meta.corp:443"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 403")) << r;
  EXPECT_EQ(upstream.server.accepted.load(), 1);
}

TEST(EgressProxy, UpstreamProxyPathFailsClosedWhenTheHostCannotResolveTheName) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("api.example")}, upstream.setting());
  Fd c = h.client();
  send_all(c.fd, connect_request("api.example:443"));
  ReadResult r = read_to_eof(c.fd);
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 502")) << r.data;
  EXPECT_NE(r.data.find("before it asks the upstream proxy"), std::string::npos) << r.data;
  EXPECT_EQ(upstream.server.accepted.load(), 0);
}

TEST(EgressProxy, UpstreamProxyStillFollowsTheAllowlist) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("api.example")}, upstream.setting());
  EXPECT_TRUE(h.ask(connect_request("evil.example:443")).starts_with("HTTP/1.1 403"));
  EXPECT_EQ(upstream.server.accepted.load(), 0);
  EXPECT_TRUE(h.resolver->seen().empty());
}

TEST(EgressProxy, UpstreamProxyCarriesAbsoluteFormInATunnel) {
  FakeUpstreamProxy upstream;
  ProxyHarness h({entry("api.example:80")}, upstream.setting());
  h.resolver->answers["api.example"] = {"93.184.216.34"};
  Fd c = h.client();
  send_all(c.fd, "GET http://api.example/x HTTP/1.1\r\nHost: api.example\r\n\r\n");
  // The fake proxy echoes, so the rewritten request comes back as the "response".
  ReadResult r = read_until(c.fd, "\r\n\r\n");
  EXPECT_EQ(r.data, "GET /x HTTP/1.1\r\nHost: api.example\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(upstream.got().starts_with("CONNECT api.example:80 HTTP/1.1\r\n"));
}

TEST(EgressProxy, UpstreamProxyRefusalGets502) {
  FakeUpstreamProxy upstream;
  upstream.status = "407 Proxy Authentication Required";
  ProxyHarness h({entry("api.example")}, upstream.setting());
  h.resolver->answers["api.example"] = {"93.184.216.34"};
  const std::string r = h.ask(connect_request("api.example:443"));
  EXPECT_TRUE(r.starts_with("HTTP/1.1 502")) << r;
  EXPECT_NE(r.find("the upstream proxy refused CONNECT api.example:443"), std::string::npos) << r;
}

TEST(EgressProxy, NoProxyTargetsConnectDirectly) {
  FakeUpstreamProxy upstream;
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, upstream.setting(parse_no_proxy("localhost,127.0.0.0/8")));
  Fd c = h.client();
  send_all(c.fd, connect_request(target));
  ASSERT_EQ(read_until(c.fd, "\r\n\r\n").data, kEstablished);
  send_all(c.fd, "direct");
  EXPECT_EQ(read_until(c.fd, "direct").data, "direct");
  EXPECT_EQ(upstream.server.accepted.load(), 0);
}

// The tunnel's relay, spliced and copied (BrokerLimits::splice): every byte
// arrives once and in order, each side's end of data is passed on after all
// of it, a side that goes away ends the tunnel, the idle limit holds, and
// the audit event counts what crossed.
class TunnelRelay : public ::testing::TestWithParam<bool> {
 protected:
  BrokerLimits limits(std::chrono::milliseconds idle = 600'000ms) const {
    BrokerLimits l;
    l.splice = GetParam();
    l.idle_timeout = idle;
    return l;
  }
  static Fd open_tunnel(ProxyHarness& h, const std::string& target) {
    Fd c = h.client();
    send_all(c.fd, connect_request(target));
    // Exactly the 200: the server's first bytes may follow it at once.
    if (read_bytes(c.fd, kEstablished.size()).data != kEstablished) return Fd();
    return c;
  }
};

INSTANTIATE_TEST_SUITE_P(Relay, TunnelRelay, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Spliced" : "Copied";
                         });

// FNV-1a over a stream: what a side received, without keeping it.
struct Checksum {
  uint64_t hash = 14695981039346656037ull;
  uint64_t size = 0;
  void add(std::string_view data) {
    for (unsigned char c : data) hash = (hash ^ c) * 1099511628211ull;
    size += data.size();
  }
  bool operator==(const Checksum&) const = default;
};

// `size` bytes that differ with `seed` and have no period that a lost,
// doubled or reordered block could hide in (xorshift).
std::string pattern(size_t size, uint64_t seed) {
  std::string out(size, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return out;
}

Checksum checksum_of(std::string_view data) {
  Checksum c;
  c.add(data);
  return c;
}

// Receives until EOF, a reset, 10 s without a byte, or `limit` bytes.
Checksum receive(int fd, uint64_t limit = UINT64_MAX) {
  Checksum c;
  std::vector<char> buf(1 << 16);
  while (c.size < limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) break;
    const ssize_t n = ::recv(fd, buf.data(), std::min<uint64_t>(buf.size(), limit - c.size), 0);
    if (n <= 0) break;
    c.add(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  return c;
}

// Sends `data` in pieces until it is all sent or a send fails; whether it all went.
bool send_until_refused(int fd, std::string_view data) {
  while (!data.empty()) {
    const size_t piece = std::min<size_t>(data.size(), 1 << 16);
    if (!send_all(fd, data.substr(0, piece))) return false;
    data.remove_prefix(piece);
  }
  return true;
}

// What the server side of a test saw, handed over once.
template <class T>
struct Handoff {
  std::promise<T> promise;
  std::future<T> future = promise.get_future();
  std::optional<T> get(std::chrono::milliseconds limit = 10'000ms) {
    if (future.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return future.get();
  }
};

// The descriptors of this process that are pipes.
int open_pipes() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(e.path(), ec).string().starts_with("pipe:")) ++n;
  }
  return n;
}

// Whether this build splices at all (CX_PORTABLE_FALLBACKS: ENOSYS).
bool splice_available() {
  errno = 0;
  (void)port::splice_nonblocking(-1, -1, 1);
  return errno != ENOSYS;
}

TEST_P(TunnelRelay, LargeTransfersAreByteExactBothWaysAtOnce) {
  const std::string up = pattern((32 << 20) + 12345, 1);
  const std::string down = pattern((24 << 20) + 4321, 2);
  Handoff<Checksum> server_got;
  TcpServer server("127.0.0.2", [&](int fd) {
    std::thread sender([&] {
      send_all(fd, down);
      ::shutdown(fd, SHUT_WR);
    });
    server_got.promise.set_value(receive(fd));
    sender.join();
  });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits());
  const int pipes_before = open_pipes();
  Fd c = open_tunnel(h, target);
  ASSERT_TRUE(c.ok());
  // A pipe each way while the tunnel lives when it splices, none when it copies.
  EXPECT_EQ(open_pipes() - pipes_before, GetParam() && splice_available() ? 4 : 0);
  std::thread sender([&] {
    send_all(c.fd, up);
    ::shutdown(c.fd, SHUT_WR);
  });
  const Checksum client_got = receive(c.fd);
  sender.join();
  EXPECT_TRUE(client_got == checksum_of(down)) << client_got.size << " of " << down.size();
  const std::optional<Checksum> got = server_got.get();
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == checksum_of(up)) << got->size << " of " << up.size();

  auto events = h.audit.wait_for(1, 5000ms);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "");
  EXPECT_EQ(events[0].bytes_up, up.size());
  EXPECT_EQ(events[0].bytes_down, down.size());
  EXPECT_EQ(open_pipes(), pipes_before) << "the tunnel's pipes are closed with it";
}

// The client sends and half-closes; the server reads to the end, and only
// then answers.
TEST_P(TunnelRelay, TheClientsHalfCloseReachesTheServerAfterAllItsBytes) {
  const std::string request = pattern((5 << 20) + 3, 3);
  const std::string answer = pattern((3 << 20) + 7, 4);
  Handoff<Checksum> server_got;
  TcpServer server("127.0.0.2", [&](int fd) {
    server_got.promise.set_value(receive(fd));
    send_all(fd, answer);
  });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits());
  Fd c = open_tunnel(h, target);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(send_all(c.fd, request));
  ::shutdown(c.fd, SHUT_WR);
  const Checksum client_got = receive(c.fd);
  EXPECT_TRUE(client_got == checksum_of(answer)) << client_got.size << " of " << answer.size();
  const std::optional<Checksum> got = server_got.get();
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == checksum_of(request)) << got->size << " of " << request.size();

  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "");
  EXPECT_EQ(events[0].bytes_up, request.size());
  EXPECT_EQ(events[0].bytes_down, answer.size());
}

// The server sends and half-closes first; the client reads to the end, and
// its bytes still reach the server after that.
TEST_P(TunnelRelay, TheServersHalfCloseReachesTheClientAfterAllItsBytes) {
  const std::string greeting = pattern((3 << 20) + 11, 5);
  const std::string reply = pattern((2 << 20) + 13, 6);
  Handoff<Checksum> server_got;
  TcpServer server("127.0.0.2", [&](int fd) {
    send_all(fd, greeting);
    ::shutdown(fd, SHUT_WR);
    server_got.promise.set_value(receive(fd));
  });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits());
  Fd c = open_tunnel(h, target);
  ASSERT_TRUE(c.ok());
  const Checksum client_got = receive(c.fd);
  EXPECT_TRUE(client_got == checksum_of(greeting)) << client_got.size << " of " << greeting.size();
  ASSERT_TRUE(send_all(c.fd, reply)) << "the client's side is still open";
  ::shutdown(c.fd, SHUT_WR);
  const std::optional<Checksum> got = server_got.get();
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == checksum_of(reply)) << got->size << " of " << reply.size();

  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "");
  EXPECT_EQ(events[0].bytes_up, reply.size());
  EXPECT_EQ(events[0].bytes_down, greeting.size());
}

// The client goes away while the server is still sending: the tunnel ends,
// and so does the server's connection.
TEST_P(TunnelRelay, TheClientClosingMidStreamEndsTheTunnel) {
  const std::string stream = pattern(64 << 20, 7);
  Handoff<bool> server_sent_all;
  TcpServer server("127.0.0.2", [&](int fd) {
    server_sent_all.promise.set_value(send_until_refused(fd, stream));
  });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits());
  {
    Fd c = open_tunnel(h, target);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(receive(c.fd, 1 << 20).size, 1u << 20);
  }
  auto events = h.audit.wait_for(1, 5000ms);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].reason.starts_with("client: ")) << events[0].reason;
  EXPECT_GE(events[0].bytes_down, 1u << 20);
  EXPECT_LT(events[0].bytes_down, stream.size());
  const std::optional<bool> all = server_sent_all.get();
  ASSERT_TRUE(all) << "the server's connection was not closed";
  EXPECT_FALSE(*all);
}

// The server goes away while the client is still sending: the client's
// connection ends, with the reason.
TEST_P(TunnelRelay, TheServerClosingMidStreamEndsTheTunnel) {
  const std::string stream = pattern(64 << 20, 8);
  Handoff<uint64_t> server_got;
  TcpServer server("127.0.0.2",
                   [&](int fd) { server_got.promise.set_value(receive(fd, 1 << 20).size); });
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits());
  Fd c = open_tunnel(h, target);
  ASSERT_TRUE(c.ok());
  std::atomic<bool> client_sent_all{true};
  std::thread sender([&] { client_sent_all = send_until_refused(c.fd, stream); });
  const ReadResult r = read_to_eof(c.fd, 10'000ms);
  sender.join();
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.data, "");
  EXPECT_FALSE(client_sent_all);
  EXPECT_EQ(server_got.get(), std::optional<uint64_t>(1 << 20));

  auto events = h.audit.wait_for(1, 5000ms);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].reason.starts_with("server: ")) << events[0].reason;
  EXPECT_GE(events[0].bytes_up, 1u << 20);
  EXPECT_LT(events[0].bytes_up, stream.size());
}

// Bytes keep a tunnel open past the idle limit; silence then closes it.
TEST_P(TunnelRelay, TheIdleLimitStillHolds) {
  TcpServer server("127.0.0.2", echo);
  const std::string target = "127.0.0.2:" + std::to_string(server.port());
  ProxyHarness h({entry(target)}, {}, limits(300ms));
  Fd c = open_tunnel(h, target);
  ASSERT_TRUE(c.ok());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(send_all(c.fd, "x"));
    EXPECT_EQ(read_bytes(c.fd, 1).data, "x") << "round " << i;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(std::chrono::steady_clock::now() - start, 600ms);
  const ReadResult r = read_to_eof(c.fd, 1500ms);
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.data, "");
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].reason.find("idle"), std::string::npos) << events[0].reason;
  EXPECT_EQ(events[0].bytes_up, 6u);
  EXPECT_EQ(events[0].bytes_down, 6u);
}

}  // namespace
}  // namespace cx::broker
