#pragma once
// Which resolved addresses the egress proxy may connect to. An allowed name
// is resolved once; if any answer is loopback, private or otherwise special,
// the name is refused (unless its exact host:port is listed); if any is
// link-local or a cloud instance metadata address, it is refused whatever is
// listed. The proxy connects only to the address chosen here, so DNS
// rebinding between check and use is impossible.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/host.h"
#include "util/result.h"

namespace cx::broker {

// An IPv4 or IPv6 address, as bytes in network order.
class IpAddress {
 public:
  static IpAddress v4(const in_addr& a);
  static IpAddress v6(const in6_addr& a);
  // Reads the address of an AF_INET / AF_INET6 sockaddr; nullopt otherwise.
  static std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len);
  // Reads `1.2.3.4` or `::1` (inet_pton, strict); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  // The address of an IPv4 or IPv6 canonical host; nullopt for a name.
  static std::optional<IpAddress> from_host(const Host& host);

  int family() const { return family_; }                  // AF_INET or AF_INET6
  const uint8_t* bytes() const { return bytes_.data(); }  // 4 or 16 bytes
  // Returns inet_ntop text (`127.0.0.1`, `::ffff:127.0.0.1`).
  std::string text() const;
  // Fills `out` with a sockaddr for this address and `port`; returns its length.
  socklen_t to_sockaddr(uint16_t port, sockaddr_storage& out) const;

  bool operator==(const IpAddress&) const = default;

 private:
  int family_ = AF_INET;
  std::array<uint8_t, 16> bytes_{};
};

// Names the special range `addr` falls in ("loopback", "link-local (instance
// metadata)", "private", ...), or nullopt for an ordinary public unicast
// address. IPv6 forms that carry an IPv4 address (NAT64 64:ff9b::/96, 6to4
// 2002::/16) are judged by that IPv4 address; IPv4-mapped, IPv4-compatible
// and Teredo addresses are always special.
std::optional<std::string> special_range(const IpAddress& addr);

// Names the range when `addr` must never be dialled, whatever CX_ALLOW_HOSTS
// lists: link-local (IPv4 169.254.0.0/16, which holds the instance metadata
// service at 169.254.169.254, and IPv6 fe80::/10), the cloud metadata and
// platform addresses (EC2 fd00:ec2::/64, Compute Engine fd20:ce::254,
// Alibaba Cloud 100.100.100.200, Azure 168.63.129.16), and the IPv6 forms
// that carry one of those IPv4 addresses. Nullopt otherwise.
std::optional<std::string> never_dialled(const IpAddress& addr);

// Checks every resolved address of `host` and returns the one to connect
// to: the first IPv4 address if any (hosts without IPv6 routes are common),
// else the first. Refuses when the list is empty, when any address is one
// never dialled, or when any is special and `special_ok` is false (the
// message names the address and range).
Result<IpAddress> choose_address(std::span<const IpAddress> resolved, bool special_ok,
                                 std::string_view host);

}  // namespace cx::broker
