#include "broker/address_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>

#include <cstring>
#include <vector>

namespace cx::broker {
namespace {

IpAddress ip(std::string_view text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

std::string range(std::string_view text) { return special_range(ip(text)).value_or("public"); }

void special(std::string_view text, std::string_view range_contains) {
  const std::string r = range(text);
  EXPECT_NE(r.find(range_contains), std::string::npos) << text << " is " << r;
}

void ordinary(std::string_view text) { EXPECT_EQ(range(text), "public") << text; }

TEST(AddressPolicy, PublicAddressesPass) {
  for (const char* a :
       {"8.8.8.8", "52.94.133.131", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "192.169.0.1", "169.253.255.255", "223.255.255.255", "2600:1f18::1",
        "2a05:d018::1", "2001:4860:4860::8888"}) {
    ordinary(a);
  }
}

TEST(AddressPolicy, Loopback) {
  special("127.0.0.1", "loopback");
  special("127.255.255.254", "loopback");
  special("::1", "loopback");
}

TEST(AddressPolicy, Unspecified) {
  special("0.0.0.0", "unspecified");
  special("0.1.2.3", "unspecified");
  special("::", "unspecified");
}

TEST(AddressPolicy, MetadataServiceIpv4) { special("169.254.169.254", "instance metadata"); }
TEST(AddressPolicy, MetadataServiceIpv6) { special("fd00:ec2::254", "EC2 instance metadata"); }
TEST(AddressPolicy, EcsTaskMetadata) { special("169.254.170.2", "link-local"); }
TEST(AddressPolicy, LinkLocalIpv6) {
  special("fe80::1", "link-local");
  special("febf::1", "link-local");
}

TEST(AddressPolicy, Private) {
  special("10.0.0.1", "private");
  special("172.16.0.1", "private");
  special("172.31.255.255", "private");
  special("192.168.1.1", "private");
  special("fc00::1", "unique local");
  special("fd12:3456::1", "unique local");
}

TEST(AddressPolicy, CarrierGradeNat) {
  special("100.64.0.1", "carrier-grade");
  special("100.100.100.200", "carrier-grade");  // Alibaba Cloud metadata
}

TEST(AddressPolicy, MulticastBroadcastReserved) {
  special("224.0.0.1", "multicast");
  special("239.255.255.250", "multicast");
  special("255.255.255.255", "broadcast");
  special("240.0.0.1", "reserved");
  special("ff02::1", "multicast");
}

TEST(AddressPolicy, DocumentationAndBenchmarking) {
  special("192.0.2.1", "documentation");
  special("198.51.100.1", "documentation");
  special("203.0.113.1", "documentation");
  special("198.18.0.1", "benchmarking");
  special("2001:db8::1", "documentation");
  special("3fff::1", "documentation");
  special("192.0.0.170", "IETF");
}

TEST(AddressPolicy, Ipv4MappedAlwaysRefused) {
  special("::ffff:127.0.0.1", "IPv4-mapped");
  special("::ffff:169.254.169.254", "IPv4-mapped");
  special("::ffff:8.8.8.8", "IPv4-mapped");
}

TEST(AddressPolicy, Ipv4CompatibleRefused) { special("::127.0.0.1", "IPv4-compatible"); }

TEST(AddressPolicy, Nat64JudgedByTheEmbeddedIpv4) {
  special("64:ff9b::127.0.0.1", "loopback");
  special("64:ff9b::a9fe:a9fe", "instance metadata");
  ordinary("64:ff9b::8.8.8.8");
  special("64:ff9b:1::8.8.8.8", "outside 2000::/3");  // local-use NAT64 prefix
}

TEST(AddressPolicy, SixToFourJudgedByTheEmbeddedIpv4) {
  special("2002:7f00:1::1", "loopback");
  special("2002:a9fe:a9fe::", "instance metadata");
  special("2002:c0a8:101::1", "private");
  ordinary("2002:808:808::1");
}

TEST(AddressPolicy, Teredo) { special("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"); }

TEST(AddressPolicy, OutsideGlobalUnicast) {
  special("100::1", "outside 2000::/3");
  special("1234::1", "outside 2000::/3");
  special("4000::1", "outside 2000::/3");
  special("fec0::1", "site-local");
}

TEST(AddressPolicy, AzureWireServer) { special("168.63.129.16", "Azure"); }

TEST(AddressPolicy, IPv4TranslatedJudgedByTheEmbeddedIpv4) {
  special("::ffff:0:127.0.0.1", "IPv4-translated");
  special("::ffff:0:8.8.8.8", "IPv4-translated");
}

std::string never(std::string_view text) { return never_dialled(ip(text)).value_or("dialable"); }

// Link-local and the metadata services, in every form that reaches them.
TEST(NeverDialled, MetadataAndLinkLocalInEveryForm) {
  struct Case {
    const char* addr;
    const char* says;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"169.254.169.254", "instance metadata"},
           {"169.254.170.2", "link-local"},
           {"169.254.0.1", "link-local"},
           {"fe80::1", "link-local"},
           {"fd00:ec2::254", "EC2 instance metadata"},
           {"fd00:ec2::23", "EC2"},
           {"fd20:ce::254", "Compute Engine"},
           {"100.100.100.200", "Alibaba"},
           {"168.63.129.16", "Azure"},
           {"::ffff:169.254.169.254", "IPv4-mapped"},
           {"::ffff:0:169.254.169.254", "IPv4-translated"},
           {"::169.254.169.254", "IPv4-compatible"},
           {"64:ff9b::a9fe:a9fe", "NAT64"},
           {"2002:a9fe:a9fe::1", "6to4"},
           {"::ffff:100.100.100.200", "Alibaba"},
       }) {
    EXPECT_NE(never(c.addr).find(c.says), std::string::npos) << c.addr << ": " << never(c.addr);
    EXPECT_TRUE(special_range(ip(c.addr)).has_value()) << c.addr;
  }
}

TEST(NeverDialled, OtherSpecialAddressesMayBeListed) {
  for (const char* a : {"127.0.0.1", "10.0.0.1", "192.168.1.1", "100.64.0.1", "::1", "fd00::1",
                        "fd00:ec3::254", "fd20:ce::253", "::ffff:127.0.0.1", "64:ff9b::a00:1",
                        "0.0.0.0", "8.8.8.8", "2600:1f18::1"}) {
    EXPECT_EQ(never(a), "dialable") << a;
  }
}

TEST(IpAddress, FromSockaddr) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &in.sin_addr);
  auto a = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&in), sizeof in);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text(), "169.254.169.254");
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "fd00:ec2::254", &in6.sin6_addr);
  auto b = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&in6), sizeof in6);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family(), AF_INET6);
  EXPECT_EQ(b->text(), "fd00:ec2::254");
  // A short length or another family is not an address.
  EXPECT_FALSE(IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&in6), sizeof in));
  sockaddr un{};
  un.sa_family = AF_UNIX;
  EXPECT_FALSE(IpAddress::from_sockaddr(&un, sizeof un));
  EXPECT_FALSE(IpAddress::from_sockaddr(nullptr, 0));
}

TEST(IpAddress, ToSockaddrRoundTrips) {
  for (const char* t : {"192.0.2.7", "2001:db8::7"}) {
    sockaddr_storage ss{};
    const socklen_t len = ip(t).to_sockaddr(8443, ss);
    auto back = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, ip(t));
    const uint16_t port = ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                                  : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port;
    EXPECT_EQ(ntohs(port), 8443);
  }
}

TEST(IpAddress, ParseIsStrictAndFromHost) {
  EXPECT_FALSE(IpAddress::parse("127.1"));  // canonical_host reads that form, not this
  EXPECT_FALSE(IpAddress::parse("example.com"));
  EXPECT_FALSE(IpAddress::from_host(Host{HostKind::name, "example.com"}));
  EXPECT_EQ(IpAddress::from_host(Host{HostKind::ipv6, "::1"})->text(), "::1");
}

TEST(ChooseAddress, RefusesIfAnyAddressIsSpecial) {
  const std::vector<IpAddress> answers = {ip("52.94.133.131"), ip("10.1.2.3")};
  auto c = choose_address(answers, false, "evil.example.com");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("10.1.2.3 of evil.example.com"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("private"), std::string::npos);
  EXPECT_FALSE(c.error().hint.empty());  // listing the host:port allows it
  const std::vector<IpAddress> metadata = {ip("52.94.133.131"), ip("169.254.169.254")};
  auto m = choose_address(metadata, false, "evil.example.com");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("169.254.169.254 of evil.example.com"), std::string::npos);
  EXPECT_NE(m.error().message.find("metadata"), std::string::npos);
}

TEST(ChooseAddress, MappedLoopbackInAaaaRefused) {
  const std::vector<IpAddress> answers = {ip("2600:1f18::1"), ip("::ffff:127.0.0.1")};
  EXPECT_FALSE(choose_address(answers, false, "x").ok());
}

TEST(ChooseAddress, PrefersTheFirstIpv4) {
  const std::vector<IpAddress> answers = {ip("2600:1f18::1"), ip("52.94.133.131"),
                                          ip("52.94.133.132")};
  auto c = choose_address(answers, false, "x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->text(), "52.94.133.131");
}

TEST(ChooseAddress, Ipv6OnlyTakesTheFirst) {
  const std::vector<IpAddress> answers = {ip("2600:1f18::1"), ip("2600:1f18::2")};
  EXPECT_EQ(choose_address(answers, false, "x")->text(), "2600:1f18::1");
}

TEST(ChooseAddress, ListedHostPortAllowsSpecialAddresses) {
  const std::vector<IpAddress> answers = {ip("127.0.0.2")};
  EXPECT_FALSE(choose_address(answers, false, "127.0.0.2").ok());
  auto c = choose_address(answers, true, "127.0.0.2");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->text(), "127.0.0.2");
}

TEST(ChooseAddress, ListedHostPortNeverAllowsMetadataOrLinkLocal) {
  for (const char* bad :
       {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "fe80::1"}) {
    const std::vector<IpAddress> answers = {ip("10.0.0.5"), ip(bad)};
    auto c = choose_address(answers, true, "git.corp");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find(std::string(bad) + " of git.corp"), std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("never connects"), std::string::npos) << c.error().message;
  }
}

TEST(ChooseAddress, NoAnswers) { EXPECT_FALSE(choose_address({}, true, "x").ok()); }

// The addresses getaddrinfo returns for a numeric host go through the same
// check as the ones a name resolves to.
TEST(ChooseAddress, WorksOnGetaddrinfoResults) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  ASSERT_EQ(getaddrinfo("169.254.169.254", "443", &hints, &res), 0);
  std::vector<IpAddress> answers;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    if (auto a = IpAddress::from_sockaddr(p->ai_addr, p->ai_addrlen)) answers.push_back(*a);
  }
  freeaddrinfo(res);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(choose_address(answers, false, "metadata").ok());
}

}  // namespace
}  // namespace cx::broker
