#include "broker/allowlist.h"

#include <gtest/gtest.h>

#include <random>

#include "broker/public_suffix.h"

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

void refused(const std::string& entry, std::string_view says) {
  auto e = parse_allow_entry(entry);
  ASSERT_FALSE(e.ok()) << entry;
  // Messages show other bytes than printable ASCII as `?`.
  std::string shown = entry;
  for (char& c : shown) c = (c >= 0x20 && c < 0x7f) ? c : '?';
  EXPECT_EQ(e.error().message.rfind("CX_ALLOW_HOSTS entry \"" + shown + "\": ", 0), 0u)
      << e.error().message;
  EXPECT_NE(e.error().message.find(says), std::string::npos) << e.error().message;
  EXPECT_FALSE(e.error().hint.empty()) << entry;
}

TEST(Allowlist, WildcardOverAPublicSuffixIsRefused) {
  refused("*.co.uk", "co.uk is a public suffix: anyone can register");
  refused("*.CO.UK.", "co.uk is a public suffix");
  refused("*.co.uk:8443", "co.uk is a public suffix");
  refused("*.公司.cn", "xn--55qx5d.cn is a public suffix");
  refused("*.github.io", "github.io is a public suffix (a service's");
  refused("*.s3.amazonaws.com", "s3.amazonaws.com is a public suffix (a service's");
  refused("*.googleapis.com", "googleapis.com is a public suffix");
}

TEST(Allowlist, WildcardSpanningAPublicSuffixIsRefused) {
  if (!system_suffix_rules()) GTEST_SKIP() << system_suffix_rules().error().message;
  refused("*.amazonaws.com", "names under amazonaws.com include the public suffix ");
  refused("*.Amazonaws.COM:443", "names under amazonaws.com include");
  refused("*.uk", "two labels");  // refused before, by the older rule
}

TEST(Allowlist, WildcardUnderOneOwnerIsAccepted) {
  for (const char* e : {"*.example.com", "*.example.co.uk", "*.my-bucket.s3.amazonaws.com",
                        "*.corp.internal", "*.anthropic.com:8443"}) {
    std::vector<std::string> warnings;
    auto r = parse_allow_entry(e, &warnings);
    EXPECT_TRUE(r.ok()) << e << ": " << (r.ok() ? "" : r.error().message);
    if (system_suffix_rules()) {
      EXPECT_TRUE(warnings.empty()) << e << ": " << warnings[0];
    }
  }
}

// Rules made without the entry parser: a wildcard still stops at any public
// suffix, its own included, before any lookup.
TEST(Allowlist, WildcardNeverReachesANameThroughAPublicSuffix) {
  const Allowlist a({AllowEntry{AllowEntry::Kind::suffix, canon("amazonaws.com"), 443, false, "t"},
                     AllowEntry{AllowEntry::Kind::suffix, canon("co.uk"), 443, false, "t"}});
  const Decision evil = decide(a, "evil-bucket.s3.amazonaws.com", 443);
  EXPECT_FALSE(evil.allowed);
  EXPECT_NE(evil.reason.find("public suffix s3.amazonaws.com"), std::string::npos) << evil.reason;
  EXPECT_FALSE(decide(a, "s3.amazonaws.com", 443).allowed);
  EXPECT_FALSE(decide(a, "i-1.compute.amazonaws.com", 443).allowed);
  EXPECT_TRUE(decide(a, "foo.amazonaws.com", 443).allowed);
  EXPECT_FALSE(decide(a, "example.co.uk", 443).allowed);
  EXPECT_FALSE(decide(a, "www.example.co.uk", 443).allowed);
  // An exact rule for the same host is not a wildcard: it still matches.
  const Allowlist b(
      {AllowEntry{AllowEntry::Kind::exact, canon("s3.amazonaws.com"), 443, false, "t"}});
  EXPECT_TRUE(decide(b, "s3.amazonaws.com", 443).allowed);
}

TEST(Allowlist, MetadataAndLinkLocalEntriesAreRefusedInEveryForm) {
  for (const char* e :
       {"169.254.169.254", "169.254.169.254:80", "2852039166:80", "0xa9fea9fe", "0xA9FEA9FE:80",
        "0251.0376.0251.0376", "169.254.43518", "169.254.169.254.:80", "[fd00:ec2::254]:80",
        "[FD00:EC2:0:0::254]", "[::ffff:169.254.169.254]:80", "[::ffff:a9fe:a9fe]",
        "[64:ff9b::a9fe:a9fe]:80", "[fe80::1]:80", "169.254.1.1:8080", "100.100.100.200:80",
        "[fd20:ce::254]:80", "168.63.129.16:80", "１６９.２５４.１６９.２５４"}) {
    refused(e, "which cx never connects to");
  }
}

TEST(Allowlist, SpecialLiteralEntriesAreAcceptedWithAWarning) {
  struct Case {
    const char* entry;
    const char* says;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"127.0.0.1:8080", "127.0.0.1 is loopback; the agent may reach it because this entry"},
           {"2130706433:8080", "127.0.0.1 is loopback"},
           {"10.0.0.1:8080", "10.0.0.1 is private (10.0.0.0/8)"},
           {"[::1]:8080", "[::1] is loopback (::1)"},
           {"[fd00::1]:443", "[fd00::1] is unique local"},
           {"127.0.0.1", "listed with its port (127.0.0.1:PORT), so this entry allows nothing"},
       }) {
    std::vector<std::string> warnings;
    auto e = parse_allow_entry(c.entry, &warnings);
    ASSERT_TRUE(e.ok()) << c.entry << ": " << e.error().message;
    ASSERT_EQ(warnings.size(), 1u) << c.entry;
    EXPECT_EQ(warnings[0].rfind("CX_ALLOW_HOSTS entry \"" + std::string(c.entry) + "\": ", 0), 0u)
        << warnings[0];
    EXPECT_NE(warnings[0].find(c.says), std::string::npos) << warnings[0];
  }
  for (const char* quiet :
       {"8.8.8.8:443", "example.com:8080", "localhost:8080", "[2600:1f18::1]"}) {
    std::vector<std::string> warnings;
    ASSERT_TRUE(parse_allow_entry(quiet, &warnings).ok()) << quiet;
    EXPECT_TRUE(warnings.empty()) << quiet << ": " << warnings[0];
  }
}

bool same(const Decision& a, const Decision& b) {
  return a.allowed == b.allowed && a.reason == b.reason &&
         a.special_addresses_ok == b.special_addresses_ok;
}

// Entries written in other spellings decide exactly as their canonical forms.
TEST(Allowlist, SpelledEntriesDecideAsTheirCanonicalForms) {
  const Allowlist spelled = policy({"BÜCHER.example.", "*.Ｅxample.COM.", "0x7f.1:8080",
                                    "[0:0::1]:8080", "git。corp:443", "10.1:8443"});
  const Allowlist canonical = policy({"xn--bcher-kva.example", "*.example.com", "127.0.0.1:8080",
                                      "[::1]:8080", "git.corp:443", "10.0.0.1:8443"});
  for (const char* raw :
       {"xn--bcher-kva.example", "bücher.example", "a.example.com", "A.EXAMPLE.COM.", "example.com",
        "127.0.0.1", "2130706433", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "git.corp",
        "GIT.corp.", "10.0.0.1", "167772161", "bedrock.us-east-1.amazonaws.com"}) {
    for (uint16_t port : {443, 8080, 8443}) {
      const Host h = canon(raw);
      EXPECT_TRUE(same(spelled.decide(h, port), canonical.decide(h, port))) << raw << ":" << port;
      // And the request's own spelling does not matter: its canonical text decides alike.
      const Host again = canon(host_text(h));
      EXPECT_TRUE(same(canonical.decide(h, port), canonical.decide(again, port))) << raw;
    }
  }
}

// Random spellings: canonicalising is idempotent, and an entry (exact or
// wildcard) parses to the same rule, or is refused alike, in both forms.
TEST(Allowlist, EntryDecisionsEqualThoseOfTheCanonicalForm) {
  const std::vector<std::string> atoms = {
      "a",        "b",   "x",          "0",      "1",         "7f", "0x",  "00",
      "255",      "256", "4294967295", ".",      "..",        "-",  "_",   "xn--",
      "ü",        "Ü",   "ß",          "。",     "．",        "１", "ｅ",  "com",
      "co",       "uk",  "io",         "github", "amazonaws", "s3", "169", "254",
      "ffff",     ":",   "[",          "]",      "%",         "@",  "*",   "\xe2\x80\x8b",
      "\xc2\xad", "K",   "EXAMPLE"};
  std::mt19937 rng(7);
  int valid = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string raw;
    for (unsigned n = 1 + rng() % 5; n > 0; --n) raw += atoms[rng() % atoms.size()];
    auto h = canonical_host(raw);
    if (!h) continue;
    ++valid;
    auto again = canonical_host(host_text(*h));
    ASSERT_TRUE(again.ok()) << raw;
    ASSERT_EQ(*again, *h) << raw;
    for (const std::string& form : {std::string(""), std::string("*.")}) {
      if (!form.empty() && h->kind != HostKind::name) continue;
      for (const std::string& port : {std::string(""), std::string(":8443")}) {
        std::vector<std::string> w1, w2;
        auto a = parse_allow_entry(form + raw + port, &w1);
        auto b = parse_allow_entry(form + host_text(*h) + port, &w2);
        ASSERT_EQ(a.ok(), b.ok()) << form + raw + port << ": "
                                  << (a.ok() ? b.error().message : a.error().message);
        if (a.ok()) {
          EXPECT_EQ(a->host, b->host) << raw;
          EXPECT_EQ(a->kind, b->kind) << raw;
          EXPECT_EQ(a->port_listed, b->port_listed) << raw;
        }
        EXPECT_EQ(w1.size(), w2.size()) << raw;
      }
    }
  }
  EXPECT_GT(valid, 1000);
}

}  // namespace
}  // namespace cx::broker

namespace cx::broker {
namespace {

// A hostile or mistaken 64 KiB entry gives an error of bounded length.
TEST(Allowlist, AnErrorQuotesAtMost200BytesOfTheEntry) {
  const std::string huge(60000, 'a');
  auto e = parse_allow_entry(huge + ":x", nullptr);
  ASSERT_FALSE(e.ok());
  EXPECT_LT(e.error().message.size(), 400u) << e.error().message.size();
  EXPECT_NE(e.error().message.find("aaa...\""), std::string::npos) << e.error().message.substr(0, 300);
}

}  // namespace
}  // namespace cx::broker
