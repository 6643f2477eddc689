#include "broker/upstream_proxy.h"

#include <gtest/gtest.h>

namespace cx::broker {
namespace {

HostPort hp(const std::string& s) { return *parse_authority(s); }

TEST(UpstreamProxy, NoVariableMeansDirect) {
  auto up = UpstreamProxy::from_env(env_from_map({{"NO_PROXY", "x"}}));
  ASSERT_TRUE(up.ok());
  EXPECT_FALSE(up->enabled());
  EXPECT_FALSE(up->route(hp("a.example:443")));
}

TEST(UpstreamProxy, ReadsTheProxyUrl) {
  auto up = UpstreamProxy::from_env(env_from_map({{"HTTPS_PROXY", "http://proxy.corp:3128/"}}));
  ASSERT_TRUE(up.ok());
  auto via = up->route(hp("bedrock-runtime.us-east-1.amazonaws.com:443"));
  ASSERT_TRUE(via);
  EXPECT_EQ(authority_text(via->address), "proxy.corp:3128");
  EXPECT_EQ(via->authorization, "");
}

TEST(UpstreamProxy, LowerCaseWinsAndHttpsBeforeHttp) {
  auto up = UpstreamProxy::from_env(env_from_map(
      {{"HTTPS_PROXY", "upper:1"}, {"https_proxy", "lower:2"}, {"HTTP_PROXY", "plain:3"}}));
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(authority_text(up->route(hp("a.example:443"))->address), "lower:2");
  auto plain = UpstreamProxy::from_env(env_from_map({{"HTTP_PROXY", "plain:3"}}));
  EXPECT_EQ(authority_text(plain->route(hp("a.example:80"))->address), "plain:3");
}

TEST(UpstreamProxy, EmptyVariableIsUnset) {
  auto up = UpstreamProxy::from_env(env_from_map({{"https_proxy", ""}, {"HTTP_PROXY", "p:8"}}));
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(authority_text(up->route(hp("a.example:443"))->address), "p:8");
}

TEST(ProxyUrl, DefaultPortAndNoScheme) {
  EXPECT_EQ(authority_text(parse_proxy_url("http://proxy.corp", "X")->address), "proxy.corp:1080");
  EXPECT_EQ(authority_text(parse_proxy_url("10.0.0.1:8080", "X")->address), "10.0.0.1:8080");
  EXPECT_EQ(authority_text(parse_proxy_url("HTTP://[::1]:3128", "X")->address), "[::1]:3128");
}

TEST(ProxyUrl, UserinfoBecomesBasicAuthorization) {
  auto e = parse_proxy_url("http://alice:p%40ss@proxy:3128", "HTTPS_PROXY");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->authorization, "Basic YWxpY2U6cEBzcw==");  // alice:p@ss
}

TEST(ProxyUrl, UnsupportedOrMalformedIsAnErrorThatHidesTheValue) {
  for (const char* url : {"https://alice:hunter2@proxy:3128", "socks5://proxy:1080",
                          "http://alice:hunter2@proxy:notaport", "http://alice:%zz@proxy:1"}) {
    auto e = parse_proxy_url(url, "HTTPS_PROXY");
    ASSERT_FALSE(e.ok()) << url;
    EXPECT_NE(e.error().message.find("HTTPS_PROXY"), std::string::npos);
    EXPECT_EQ(e.error().message.find("hunter2"), std::string::npos);
    EXPECT_FALSE(e.error().hint.empty());
  }
}

TEST(NoProxy, NamesMatchThemselvesAndSubdomains) {
  UpstreamProxy up(ProxyEndpoint{hp("proxy:3128"), ""}, parse_no_proxy(".corp.example, localhost"));
  EXPECT_FALSE(up.route(hp("corp.example:443")));
  EXPECT_FALSE(up.route(hp("git.corp.example:443")));
  EXPECT_FALSE(up.route(hp("LOCALHOST:8080")));
  EXPECT_TRUE(up.route(hp("notcorp.example:443")));
  EXPECT_TRUE(up.route(hp("localhost.evil:443")));
}

TEST(NoProxy, StarMatchesEverything) {
  UpstreamProxy up(ProxyEndpoint{hp("proxy:3128"), ""}, parse_no_proxy("*"));
  EXPECT_FALSE(up.route(hp("a.example:443")));
}

TEST(NoProxy, AddressesRangesAndPorts) {
  UpstreamProxy up(ProxyEndpoint{hp("proxy:3128"), ""},
                   parse_no_proxy("127.0.0.1 10.0.0.0/8,::1,*.internal:8443,[fd00::1]:80"));
  EXPECT_FALSE(up.route(hp("127.0.0.1:80")));
  EXPECT_FALSE(up.route(hp("10.200.1.1:443")));
  EXPECT_TRUE(up.route(hp("11.0.0.1:443")));
  EXPECT_FALSE(up.route(hp("[::1]:443")));
  EXPECT_FALSE(up.route(hp("svc.internal:8443")));
  EXPECT_TRUE(up.route(hp("svc.internal:443")));
  EXPECT_FALSE(up.route(hp("[fd00::1]:80")));
  EXPECT_TRUE(up.route(hp("[fd00::1]:443")));
}

// A range's network in another spelling of the same address routes alike.
TEST(NoProxy, RangeNetworkInAnySpelling) {
  for (const char* list :
       {"127.0.0.0/8", "127.0.0.0./8", "127.1/8", "0x7f000000/8", "2130706432/8"}) {
    UpstreamProxy up(ProxyEndpoint{hp("proxy:3128"), ""}, parse_no_proxy(list));
    EXPECT_FALSE(up.route(hp("127.0.0.5:80"))) << list;
    EXPECT_TRUE(up.route(hp("128.0.0.1:80"))) << list;
  }
  for (const char* list : {"fd00::/8", "[fd00::]/8", "[FD00:0::0]/8"}) {
    UpstreamProxy up(ProxyEndpoint{hp("proxy:3128"), ""}, parse_no_proxy(list));
    EXPECT_FALSE(up.route(hp("[fd12::1]:80"))) << list;
    EXPECT_TRUE(up.route(hp("[fe80::1]:80"))) << list;
  }
  EXPECT_TRUE(parse_no_proxy("example.com/8").empty());
}

TEST(NoProxy, UnreadableEntriesAreSkipped) {
  auto rules = parse_no_proxy("bad entry!, 1.2.3.4/99, ok.example");
  ASSERT_EQ(rules.size(), 2u);  // "bad" and "ok.example"; "entry!" and the range are dropped
  EXPECT_EQ(rules.back().name, "ok.example");
}

}  // namespace
}  // namespace cx::broker
