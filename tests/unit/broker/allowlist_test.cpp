#include "broker/allowlist.h"

#include <gtest/gtest.h>

namespace cx::broker {
namespace {

Host canon(std::string_view raw) {
  auto h = canonical_host(raw);
  EXPECT_TRUE(h.ok()) << raw;
  return h.ok() ? *h : Host{};
}

Allowlist policy(std::vector<std::string> entries = {}) {
  auto a = Allowlist::make("us-east-1", entries);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : Allowlist({});
}

Decision decide(const Allowlist& a, std::string_view raw_host, uint16_t port) {
  return a.decide(canon(raw_host), port);
}

TEST(BedrockHosts, Region) {
  EXPECT_EQ(bedrock_hosts("eu-west-3"),
            (std::vector<std::string>{"bedrock-runtime.eu-west-3.amazonaws.com",
                                      "bedrock.eu-west-3.amazonaws.com"}));
}

TEST(BedrockHosts, FipsAndChina) {
  EXPECT_EQ(bedrock_hosts("us-gov-west-1", true).size(), 4u);
  EXPECT_EQ(bedrock_hosts("us-gov-west-1", true)[2],
            "bedrock-runtime-fips.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(bedrock_hosts("cn-north-1")[0], "bedrock-runtime.cn-north-1.amazonaws.com.cn");
}

TEST(Allowlist, BedrockOn443) {
  const Allowlist a = policy();
  EXPECT_TRUE(decide(a, "bedrock-runtime.us-east-1.amazonaws.com", 443).allowed);
  EXPECT_TRUE(decide(a, "bedrock.us-east-1.amazonaws.com", 443).allowed);
  EXPECT_FALSE(decide(a, "bedrock-runtime.us-east-1.amazonaws.com", 443).special_addresses_ok);
}

TEST(Allowlist, BedrockOtherPortDeniedWithReason) {
  const Decision d = decide(policy(), "bedrock-runtime.us-east-1.amazonaws.com", 80);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "port 80 not allowed for bedrock-runtime.us-east-1.amazonaws.com");
}

TEST(Allowlist, OtherRegionAndOtherHostsDenied) {
  const Allowlist a = policy();
  for (const char* h :
       {"bedrock-runtime.us-west-2.amazonaws.com", "statsig.anthropic.com", "sts.amazonaws.com",
        "amazonaws.com", "x.bedrock-runtime.us-east-1.amazonaws.com",
        "bedrock-runtime.us-east-1.amazonaws.com.evil.com",
        "bedrock-runtime-fips.us-east-1.amazonaws.com"}) {
    const Decision d = decide(a, h, 443);
    EXPECT_FALSE(d.allowed) << h;
    EXPECT_EQ(d.reason, "not in the allowlist") << h;
  }
}

TEST(Allowlist, CaseAndTrailingDotMatch) {
  const Allowlist a = policy({"Example.COM"});
  EXPECT_TRUE(decide(a, "EXAMPLE.com.", 443).allowed);
  EXPECT_TRUE(decide(a, "BEDROCK-RUNTIME.us-east-1.amazonaws.com.", 443).allowed);
}

TEST(Allowlist, BareHostMeans443Only) {
  const Allowlist a = policy({"example.com"});
  EXPECT_TRUE(decide(a, "example.com", 443).allowed);
  EXPECT_FALSE(decide(a, "example.com", 80).allowed);
  EXPECT_FALSE(decide(a, "example.com", 8443).allowed);
  EXPECT_FALSE(decide(a, "www.example.com", 443).allowed);
}

TEST(Allowlist, HostWithPort) {
  const Allowlist a = policy({"example.com:8443"});
  EXPECT_TRUE(decide(a, "example.com", 8443).allowed);
  EXPECT_FALSE(decide(a, "example.com", 443).allowed);
  EXPECT_TRUE(decide(a, "example.com", 8443).special_addresses_ok);
}

TEST(Allowlist, ExplicitPort443GrantsSpecialAddresses) {
  EXPECT_FALSE(decide(policy({"git.corp"}), "git.corp", 443).special_addresses_ok);
  EXPECT_TRUE(decide(policy({"git.corp:443"}), "git.corp", 443).special_addresses_ok);
  // Any matching exact host:port entry grants it, whatever the order.
  EXPECT_TRUE(decide(policy({"git.corp", "git.corp:443"}), "git.corp", 443).special_addresses_ok);
}

TEST(Allowlist, WildcardIsStrictlyUnderTheSuffix) {
  const Allowlist a = policy({"*.Example.com"});
  EXPECT_TRUE(decide(a, "a.example.com", 443).allowed);
  EXPECT_TRUE(decide(a, "a.b.example.com.", 443).allowed);
  EXPECT_FALSE(decide(a, "example.com", 443).allowed);
  EXPECT_FALSE(decide(a, "badexample.com", 443).allowed);
  EXPECT_FALSE(decide(a, "a.example.com", 80).allowed);
  EXPECT_FALSE(decide(a, "a.example.com.evil", 443).allowed);
  EXPECT_FALSE(decide(a, "a.example.com", 443).special_addresses_ok);
}

TEST(Allowlist, WildcardWithPort) {
  const Allowlist a = policy({"*.example.com:8080"});
  EXPECT_TRUE(decide(a, "a.example.com", 8080).allowed);
  EXPECT_FALSE(decide(a, "a.example.com", 443).allowed);
  EXPECT_FALSE(decide(a, "a.example.com", 8080).special_addresses_ok);
}

TEST(Allowlist, IdnaEntryMatchesPunycodeRequest) {
  const Allowlist a = policy({"bücher.example"});
  EXPECT_TRUE(decide(a, "xn--bcher-kva.example", 443).allowed);
  EXPECT_TRUE(decide(a, "BÜCHER.example.", 443).allowed);
  const Allowlist b = policy({"*.xn--bcher-kva.example"});
  EXPECT_TRUE(decide(b, "www.bücher.example", 443).allowed);
}

TEST(Allowlist, Ipv4Literal) {
  const Allowlist a = policy({"127.0.0.2:8080"});
  const Decision d = decide(a, "127.0.0.2", 8080);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.special_addresses_ok);
  EXPECT_TRUE(decide(a, "0x7f.0.0.2", 8080).allowed);  // the same address
  EXPECT_FALSE(decide(a, "127.0.0.1", 8080).allowed);
  EXPECT_FALSE(decide(a, "127.0.0.2", 8081).allowed);
}

TEST(Allowlist, Ipv6Literal) {
  const Allowlist a = policy({"[::1]:8080"});
  EXPECT_TRUE(decide(a, "[0:0::1]", 8080).allowed);
  EXPECT_TRUE(decide(a, "[::1]", 8080).special_addresses_ok);
  EXPECT_FALSE(decide(a, "[::2]", 8080).allowed);
  EXPECT_FALSE(decide(a, "[::ffff:127.0.0.1]", 8080).allowed);
}

TEST(Allowlist, NumericFormsDoNotMatchNames) {
  // `2130706433` is an address, never the name "2130706433".
  const Allowlist a = policy({"localhost:8080"});
  EXPECT_FALSE(decide(a, "127.0.0.1", 8080).allowed);
  EXPECT_FALSE(decide(a, "2130706433", 8080).allowed);
}

TEST(Allowlist, ParsesEntries) {
  auto e = parse_allow_entry("*.Example.com:8443");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, AllowEntry::Kind::suffix);
  EXPECT_EQ(e->host.text, "example.com");
  EXPECT_EQ(e->port, 8443);
  EXPECT_TRUE(e->port_listed);
  EXPECT_EQ(e->origin, "CX_ALLOW_HOSTS");
  auto bare = parse_allow_entry("example.com");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 443);
  EXPECT_FALSE(bare->port_listed);
}

TEST(Allowlist, EntryErrorsNameTheEntry) {
  struct Case {
    const char* entry;
    const char* says;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"x:y", "port"},
           {"example.com:0", "port"},
           {"example.com:65536", "port"},
           {"example.com:+443", "port"},
           {"example.com:0x1bb", "port"},
           {"example.com:", "port"},
           {"https://example.com", "scheme"},
           {"*", "*"},
           {"*.", "empty"},
           {"a.*.com", "`*`"},
           {"*example.com", "`*`"},
           {"*.com", "two labels"},
           {"*.127.0.0.1", "address"},
           {"::1:8080", "more than one"},
           {"[::1", "`]`"},
           {"[::1]x", "port"},
           {"[fe80::1%eth0]:80", "zone"},
           {"user@example.com", "userinfo"},
           {"ex%61mple.com", "%"},
           {"example..com", "empty label"},
           {"", "empty"},
       }) {
    auto e = parse_allow_entry(c.entry);
    ASSERT_FALSE(e.ok()) << c.entry;
    const std::string prefix = "CX_ALLOW_HOSTS entry \"" + std::string(c.entry) + "\": ";
    EXPECT_EQ(e.error().message.rfind(prefix, 0), 0u) << e.error().message;
    EXPECT_NE(e.error().message.find(c.says), std::string::npos) << e.error().message;
    EXPECT_FALSE(e.error().hint.empty());
  }
}

// The one parser of CX_ALLOW_HOSTS (config only splits the list): what a user writes.
TEST(Allowlist, EntriesAUserWrites) {
  for (const char* h :
       {"example.com", "localhost", "a-b.example.com", "*.example.com", "*.corp.internal",
        "example.com:8443", "*.example.com:1", "10.0.0.1:8080", "127.0.0.1", "[::1]", "[::1]:8080",
        "[fd00::1]:443", "Example.COM", "x.y:65535", "bücher.example", "*.bücher.example"}) {
    auto e = parse_allow_entry(h);
    EXPECT_TRUE(e.ok()) << h << ": " << (e.ok() ? "" : e.error().message);
  }
  for (const std::string& h :
       {std::string("example.com/path"), std::string("*:443"), std::string("[nope]:80"),
        std::string("-bad.example.com"), std::string("bad-.example.com"),
        std::string(".example.com"), std::string("a..b"),
        std::string(64, 'a') + ".com"}) {
    auto e = parse_allow_entry(h);
    ASSERT_FALSE(e.ok()) << h;
    EXPECT_EQ(e.error().message.rfind("CX_ALLOW_HOSTS entry \"" + h + "\": ", 0), 0u)
        << e.error().message;
  }
}

TEST(Allowlist, EntryErrorKeepsTheMessageOnOneLine) {
  auto e = parse_allow_entry("evil.com\r\nX: y");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(e.error().message.find('\r'), std::string::npos);
}

TEST(Allowlist, MakeFailsOnTheFirstBadEntry) {
  auto a = Allowlist::make("us-east-1", {"ok.example", "bad:port"});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("\"bad:port\""), std::string::npos);
}

TEST(Allowlist, MakeRefusesARegionThatIsNotAHostLabel) {
  EXPECT_FALSE(Allowlist::make("us-east-1/evil", {}).ok());
  EXPECT_FALSE(Allowlist::make("", {}).ok());
}

TEST(Allowlist, RulesKeepTheirOrigin) {
  const Allowlist a = policy({"example.com"});
  ASSERT_EQ(a.rules().size(), 3u);
  EXPECT_EQ(a.rules()[0].origin, "Bedrock");
  EXPECT_EQ(a.rules()[2].origin, "CX_ALLOW_HOSTS");
}

}  // namespace
}  // namespace cx::broker
