#include "broker/host.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>

namespace cx::broker {
namespace {

Host name(std::string text) { return Host{HostKind::name, std::move(text)}; }
Host v4(std::string text) { return Host{HostKind::ipv4, std::move(text)}; }
Host v6(std::string text) { return Host{HostKind::ipv6, std::move(text)}; }

Host ok(std::string_view raw) {
  auto h = canonical_host(raw);
  EXPECT_TRUE(h.ok()) << raw << ": " << (h.ok() ? "" : h.error().message);
  return h.ok() ? *h : Host{};
}

void refused(std::string_view raw, std::string_view why_contains = {}) {
  auto h = canonical_host(raw);
  ASSERT_FALSE(h.ok()) << "accepted: " << h->text;
  EXPECT_NE(h.error().message.find(why_contains), std::string::npos) << h.error().message;
}

TEST(Host, LowerCasesNames) {
  EXPECT_EQ(ok("Bedrock-Runtime.US-EAST-1.AmazonAWS.com"),
            name("bedrock-runtime.us-east-1.amazonaws.com"));
}

TEST(Host, DropsOneTrailingDot) {
  EXPECT_EQ(ok("example.com."), name("example.com"));
  refused("example.com..", "empty label");
  refused(".", "empty label");
}

TEST(Host, UpperCaseWithTrailingDot) { EXPECT_EQ(ok("EXAMPLE.com."), name("example.com")); }

TEST(Host, IdnaUnicodeAndPunycodeAreTheSameHost) {
  EXPECT_EQ(ok("bücher.example"), name("xn--bcher-kva.example"));
  EXPECT_EQ(ok("xn--bcher-kva.example"), name("xn--bcher-kva.example"));
  EXPECT_EQ(ok("BÜCHER.Example."), name("xn--bcher-kva.example"));
  EXPECT_EQ(ok("XN--BCHER-KVA.EXAMPLE"), name("xn--bcher-kva.example"));
}

TEST(Host, IdnaIsNonTransitional) { EXPECT_EQ(ok("faß.de"), name("xn--fa-hia.de")); }

TEST(Host, IdnaFullWidthFormsMapToAscii) {
  EXPECT_EQ(ok("ｅｘａｍｐｌｅ.com"), name("example.com"));
  // Full-width digits and ideographic dots are an IPv4 address after mapping.
  EXPECT_EQ(ok("１２７．０．０．１"), v4("127.0.0.1"));
}

TEST(Host, IdnaRejectsInvalidPunycodeAndDisallowedCharacters) {
  refused("xn--zz.example", "internationalised");
  refused("a\u202eb.com", "internationalised");  // right-to-left override
  refused("\xff\xfe.com", "internationalised");  // not UTF-8
}

TEST(Host, NumericIpv4Decimal) { EXPECT_EQ(ok("2130706433"), v4("127.0.0.1")); }
TEST(Host, NumericIpv4TwoParts) { EXPECT_EQ(ok("127.1"), v4("127.0.0.1")); }
TEST(Host, NumericIpv4HexParts) { EXPECT_EQ(ok("0x7f.1"), v4("127.0.0.1")); }
TEST(Host, NumericIpv4Octal) { EXPECT_EQ(ok("0177.0.0.1"), v4("127.0.0.1")); }
TEST(Host, NumericIpv4Metadata) {
  EXPECT_EQ(ok("169.254.169.254"), v4("169.254.169.254"));
  EXPECT_EQ(ok("0xA9FEA9FE"), v4("169.254.169.254"));
  EXPECT_EQ(ok("2852039166"), v4("169.254.169.254"));
  EXPECT_EQ(ok("169.254.43518"), v4("169.254.169.254"));
}
TEST(Host, NumericIpv4TrailingDot) { EXPECT_EQ(ok("127.0.0.1."), v4("127.0.0.1")); }

TEST(Host, NumericLookingButInvalidIsRefusedNotResolved) {
  refused("1.2.3.09", "IPv4");    // 09 is not octal
  refused("4294967296", "IPv4");  // 2^32
  refused("1.2.3.4.5", "IPv4");
  refused("256.1.1.1", "IPv4");
  refused("example.0x", "IPv4");
  refused("foo.123", "IPv4");
}

TEST(Host, AsciiNamesAreNotSubjectToIdnaHyphenRules) {
  EXPECT_EQ(ok("r3---sn-abc.googlevideo.com"), name("r3---sn-abc.googlevideo.com"));
  EXPECT_EQ(ok("ab--cd.example"), name("ab--cd.example"));
}

TEST(Host, ALabelsAreValidated) {
  refused("xn--.example");
  refused("www.xn--zz.example", "internationalised");
  EXPECT_EQ(ok("www.XN--BCHER-KVA.example"), name("www.xn--bcher-kva.example"));
}

TEST(Host, NamesWithDigitsAreNames) {
  EXPECT_EQ(ok("123.example"), name("123.example"));
  EXPECT_EQ(ok("0x7f.example"), name("0x7f.example"));
  EXPECT_EQ(ok("a_b.example"), name("a_b.example"));
}

// Differential check: every numeric form reads as inet_aton reads it.
TEST(Host, NumericFormsAgreeWithInetAton) {
  for (const char* s :
       {"0", "1", "0x0", "010", "1.1", "1.65535", "1.1.65535", "0xff.0xff.0xff.0xff",
        "00000000000177.1", "0x000000007f.1", "1.0x10000", "1.1.0x100"}) {
    in_addr a{};
    const bool valid = inet_aton(s, &a) != 0;
    auto h = canonical_host(s);
    ASSERT_EQ(h.ok(), valid) << s;
    if (valid) {
      EXPECT_EQ(h->kind, HostKind::ipv4) << s;
      EXPECT_EQ(h->text, inet_ntoa(a)) << s;
    }
  }
}

TEST(Host, Ipv6InBracketsNormalised) {
  EXPECT_EQ(ok("[::1]"), v6("::1"));
  EXPECT_EQ(ok("[0:0:0:0:0:0:0:1]"), v6("::1"));
  EXPECT_EQ(ok("[FD00:EC2::254]"), v6("fd00:ec2::254"));
  EXPECT_EQ(ok("[::ffff:127.0.0.1]"), v6("::ffff:127.0.0.1"));
  EXPECT_EQ(ok("[::FFFF:7f00:1]"), v6("::ffff:127.0.0.1"));
}

TEST(Host, Ipv6ZoneIdRefused) {
  refused("[fe80::1%eth0]", "zone");
  refused("[fe80::1%25eth0]", "zone");
  refused("fe80::1%eth0", "brackets");
}

TEST(Host, Ipv6WithoutBracketsRefused) { refused("::1", "brackets"); }

TEST(Host, Ipv6Malformed) {
  refused("[::1", "closing");
  refused("[]", "IPv6");
  refused("[1:2:3:4:5:6:7:8:9]", "IPv6");
  refused("[::g]", "IPv6");
  refused("[ ::1]", "IPv6");
  refused("[127.0.0.1]", "IPv6");
}

TEST(Host, NulRefused) { refused(std::string_view("host\0.evil", 10), "NUL"); }
TEST(Host, PercentEncodedNulRefused) { refused("host%00.evil", "%"); }
TEST(Host, PercentEncodingRefused) { refused("ex%61mple.com", "%"); }
TEST(Host, CrLfRefused) {
  refused("evil.com\r\nX: y", "line break");
  refused("evil.com\n", "line break");
}
TEST(Host, SpaceAndControlRefused) {
  refused("evil .com", "space");
  refused("evil\t.com", "control");
  refused("evil\x7f.com", "control");
}
TEST(Host, UserinfoRefused) { refused("user@bedrock-runtime.us-east-1.amazonaws.com", "userinfo"); }
TEST(Host, UrlDelimitersRefused) {
  for (const char* s : {"a/b", "a\\b", "a?b", "a#b"}) refused(s, "delimiter");
}
TEST(Host, EmptyRefused) { refused("", "empty"); }
TEST(Host, EmptyLabelRefused) {
  refused("a..b", "empty label");
  refused(".a.b", "empty label");
}

TEST(Host, LabelLengthLimit) {
  const std::string l63(63, 'a');
  EXPECT_EQ(ok(l63 + ".com"), name(l63 + ".com"));
  refused(std::string(64, 'a') + ".com", "63");
}

TEST(Host, NameLengthLimit) {
  std::string n;
  while (n.size() < 253) n += "abcdefghi.";
  n.resize(253);
  if (n.back() == '.') n.back() = 'x';
  EXPECT_TRUE(canonical_host(n).ok());
  EXPECT_TRUE(canonical_host(n + ".").ok());  // the trailing dot does not count
  refused(n + "x", "253");
}

TEST(Host, HyphenRules) {
  EXPECT_EQ(ok("a-b.com"), name("a-b.com"));
  refused("-a.com");
  refused("a-.com");
}

TEST(Host, MessagesNeverEchoTheInput) {
  auto h = canonical_host("secret-token-AKIA\r\n.com");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message.find("secret"), std::string::npos);
}

TEST(Port, Valid) {
  EXPECT_EQ(*parse_port("1"), 1);
  EXPECT_EQ(*parse_port("443"), 443);
  EXPECT_EQ(*parse_port("65535"), 65535);
}

TEST(Port, Malformed) {
  for (const char* p : {"", "0", "65536", "+443", "-1", "0x1bb", "0443", "00", "44 3", " 443",
                        "443 ", "4430000", "99999", "1e3", "443\r"}) {
    EXPECT_FALSE(parse_port(p).ok()) << p;
  }
}

TEST(Authority, HostAndPort) {
  EXPECT_EQ(*parse_authority("Example.COM.:8443"), (HostPort{name("example.com"), 8443}));
  EXPECT_EQ(*parse_authority("[::1]:443"), (HostPort{v6("::1"), 443}));
  EXPECT_EQ(*parse_authority("2130706433:80"), (HostPort{v4("127.0.0.1"), 80}));
}

TEST(Authority, DefaultPort) {
  EXPECT_FALSE(parse_authority("example.com").ok());
  EXPECT_EQ(*parse_authority("example.com", 80), (HostPort{name("example.com"), 80}));
  EXPECT_EQ(*parse_authority("[::1]", 80), (HostPort{v6("::1"), 80}));
}

TEST(Authority, Malformed) {
  for (const char* a : {"example.com:", ":443", "[::1]443", "[::1]:", "::1:443", "example.com:0",
                        "example.com:65536", "example.com:+443", "example.com:0x1bb", "a:b:443",
                        "user@example.com:443", "user:pw@example.com:443", "[fe80::1%eth0]:443",
                        "example.com:443/"}) {
    EXPECT_FALSE(parse_authority(a).ok()) << a;
  }
}

TEST(Authority, Text) {
  EXPECT_EQ(authority_text(HostPort{v6("::1"), 8080}), "[::1]:8080");
  EXPECT_EQ(authority_text(HostPort{name("a.b"), 443}), "a.b:443");
  EXPECT_EQ(host_text(v4("1.2.3.4")), "1.2.3.4");
}

}  // namespace
}  // namespace cx::broker
