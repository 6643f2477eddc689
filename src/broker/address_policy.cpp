#include "broker/address_policy.h"

#include <arpa/inet.h>

#include <cstring>

namespace cx::broker {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool in_v4(uint32_t a, uint32_t net, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// What is special about an address: the range it falls in, and whether it
// must never be dialled, whatever CX_ALLOW_HOSTS lists (link-local, which
// holds the instance metadata service, and the cloud metadata addresses).
struct Verdict {
  std::string range;
  bool never = false;
};

// The IANA IPv4 special-purpose registry, plus the cloud metadata and
// platform addresses that sit in public or shared space (listed before the
// range that holds them).
std::optional<Verdict> special_v4(uint32_t a) {
  struct Range {
    uint32_t net;
    int bits;
    const char* name;
    bool never;
  };
  static constexpr Range ranges[] = {
      {v4(255, 255, 255, 255), 32, "broadcast", false},
      {v4(0, 0, 0, 0), 8, "unspecified (0.0.0.0/8)", false},
      {v4(127, 0, 0, 0), 8, "loopback", false},
      {v4(169, 254, 0, 0), 16, "link-local (169.254.0.0/16, the instance metadata service)", true},
      {v4(10, 0, 0, 0), 8, "private (10.0.0.0/8)", false},
      {v4(172, 16, 0, 0), 12, "private (172.16.0.0/12)", false},
      {v4(192, 168, 0, 0), 16, "private (192.168.0.0/16)", false},
      {v4(100, 100, 100, 200), 32,
       "the Alibaba Cloud instance metadata service (100.100.100.200, carrier-grade NAT space)",
       true},
      {v4(100, 64, 0, 0), 10, "shared address space (100.64.0.0/10, carrier-grade NAT)", false},
      {v4(192, 0, 0, 0), 24, "IETF protocol assignments (192.0.0.0/24)", false},
      {v4(192, 0, 2, 0), 24, "documentation (192.0.2.0/24)", false},
      {v4(198, 51, 100, 0), 24, "documentation (198.51.100.0/24)", false},
      {v4(203, 0, 113, 0), 24, "documentation (203.0.113.0/24)", false},
      {v4(192, 88, 99, 0), 24, "6to4 relay anycast (192.88.99.0/24)", false},
      {v4(198, 18, 0, 0), 15, "benchmarking (198.18.0.0/15)", false},
      {v4(224, 0, 0, 0), 4, "multicast", false},
      {v4(240, 0, 0, 0), 4, "reserved (240.0.0.0/4)", false},
      {v4(168, 63, 129, 16), 32, "cloud platform service (Azure 168.63.129.16)", true},
  };
  for (const Range& r : ranges) {
    if (in_v4(a, r.net, r.bits)) return Verdict{r.name, r.never};
  }
  return std::nullopt;
}

bool prefix_is(const uint8_t* b, std::initializer_list<uint8_t> prefix) {
  size_t i = 0;
  for (uint8_t p : prefix) {
    if (b[i++] != p) return false;
  }
  return true;
}

bool all_zero(const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

// An IPv6 form that carries an IPv4 address. The first three are special
// whatever they carry (a dual-stack socket dials IPv4-mapped as IPv4); the
// translation prefixes are judged by the IPv4 address alone.
struct Embedding {
  const char* form;
  bool always_special;
  uint32_t v4addr;
};

std::optional<Embedding> embedded_v4(const uint8_t* b) {
  if (all_zero(b, 10) && b[10] == 0xff && b[11] == 0xff) {
    return Embedding{"IPv4-mapped (::ffff:0:0/96)", true, be32(b + 12)};
  }
  if (all_zero(b, 8) && b[8] == 0xff && b[9] == 0xff && all_zero(b + 10, 2)) {
    return Embedding{"IPv4-translated (::ffff:0:0:0/96)", true, be32(b + 12)};
  }
  if (all_zero(b, 12)) return Embedding{"IPv4-compatible (::/96)", true, be32(b + 12)};
  if (prefix_is(b, {0x00, 0x64, 0xff, 0x9b}) && all_zero(b + 4, 8)) {
    return Embedding{"NAT64 form (64:ff9b::/96)", false, be32(b + 12)};
  }
  if (prefix_is(b, {0x20, 0x02})) return Embedding{"6to4 form (2002::/16)", false, be32(b + 2)};
  return std::nullopt;
}

std::optional<Verdict> special_embedded(const Embedding& e) {
  auto inner = special_v4(e.v4addr);
  if (!inner) {
    if (!e.always_special) return std::nullopt;
    return Verdict{e.form};
  }
  return Verdict{std::string(e.form) + " of a " + inner->range + " address", inner->never};
}

// IPv6: only global unicast (2000::/3) can be ordinary; inside it, the
// special blocks of the IANA IPv6 special-purpose registry are refused and
// the IPv4-embedding ones are judged by their IPv4 address.
std::optional<Verdict> special_v6(const uint8_t* b) {
  if (all_zero(b, 16)) return Verdict{"unspecified (::)"};
  if (all_zero(b, 15) && b[15] == 1) return Verdict{"loopback (::1)"};
  if (auto e = embedded_v4(b)) return special_embedded(*e);
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return Verdict{"link-local (fe80::/10)", true};
  if (prefix_is(b, {0xfd, 0x00, 0x0e, 0xc2}) && all_zero(b + 4, 4)) {
    return Verdict{"the EC2 instance metadata service (fd00:ec2::/64)", true};
  }
  if (prefix_is(b, {0xfd, 0x20, 0x00, 0xce}) && all_zero(b + 4, 10) && b[14] == 0x02 &&
      b[15] == 0x54) {
    return Verdict{"the Compute Engine instance metadata service (fd20:ce::254)", true};
  }
  if ((b[0] & 0xfe) == 0xfc) return Verdict{"unique local (fc00::/7)"};
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return Verdict{"site-local (fec0::/10)"};
  if (b[0] == 0xff) return Verdict{"multicast (ff00::/8)"};
  if ((b[0] & 0xe0) != 0x20) return Verdict{"not global unicast (outside 2000::/3)"};
  if (prefix_is(b, {0x20, 0x01, 0x00, 0x00})) return Verdict{"Teredo (2001::/32)"};
  if (prefix_is(b, {0x20, 0x01, 0x0d, 0xb8})) return Verdict{"documentation (2001:db8::/32)"};
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) {
    return Verdict{"IETF protocol assignments (2001::/23)"};
  }
  if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0x00) {
    return Verdict{"documentation (3fff::/20)"};
  }
  return std::nullopt;
}

std::optional<Verdict> classify(const IpAddress& addr) {
  if (addr.family() == AF_INET) return special_v4(be32(addr.bytes()));
  return special_v6(addr.bytes());
}

}  // namespace

IpAddress IpAddress::v4(const in_addr& a) {
  IpAddress ip;
  ip.family_ = AF_INET;
  std::memcpy(ip.bytes_.data(), &a, 4);
  return ip;
}

IpAddress IpAddress::v6(const in6_addr& a) {
  IpAddress ip;
  ip.family_ = AF_INET6;
  std::memcpy(ip.bytes_.data(), &a, 16);
  return ip;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    return v4(in.sin_addr);
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    return v6(in6.sin6_addr);
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) return v4(a4);
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) return v6(a6);
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_host(const Host& host) {
  if (host.kind == HostKind::name) return std::nullopt;
  return parse(host.text);
}

std::string IpAddress::text() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(family_, bytes_.data(), buf, sizeof buf);
  return buf;
}

socklen_t IpAddress::to_sockaddr(uint16_t port, sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  if (family_ == AF_INET) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    std::memcpy(&in.sin_addr, bytes_.data(), 4);
    std::memcpy(&out, &in, sizeof in);
    return sizeof in;
  }
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(port);
  std::memcpy(&in6.sin6_addr, bytes_.data(), 16);
  std::memcpy(&out, &in6, sizeof in6);
  return sizeof in6;
}

std::optional<std::string> special_range(const IpAddress& addr) {
  if (auto v = classify(addr)) return v->range;
  return std::nullopt;
}

std::optional<std::string> never_dialled(const IpAddress& addr) {
  if (auto v = classify(addr); v && v->never) return v->range;
  return std::nullopt;
}

Result<IpAddress> choose_address(std::span<const IpAddress> resolved, bool special_ok,
                                 std::string_view host) {
  if (resolved.empty()) return make_error(std::string(host) + " has no address");
  for (const IpAddress& a : resolved) {
    if (auto range = never_dialled(a)) {
      return make_error("address " + a.text() + " of " + std::string(host) + " is " + *range +
                        ", which cx never connects to, whatever CX_ALLOW_HOSTS lists");
    }
  }
  if (!special_ok) {
    for (const IpAddress& a : resolved) {
      if (auto range = special_range(a)) {
        return make_error("address " + a.text() + " of " + std::string(host) + " is " + *range,
                          "list the exact host:port in CX_ALLOW_HOSTS to allow it");
      }
    }
  }
  for (const IpAddress& a : resolved) {
    if (a.family() == AF_INET) return a;
  }
  return resolved.front();
}

}  // namespace cx::broker
