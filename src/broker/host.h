#pragma once
// The canonical form of a host as a client names it in `CONNECT host:port`,
// an absolute-form URL or a CX_ALLOW_HOSTS entry. The egress policy matches
// only canonical hosts, so two spellings of one destination (`EXAMPLE.com.`,
// `bücher.example` / `xn--bcher-kva.example`, `2130706433` / `127.0.0.1`)
// can never be judged differently.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace cx::broker {

enum class HostKind { name, ipv4, ipv6 };

struct Host {
  HostKind kind = HostKind::name;
  // name: lower-case ASCII (IDNA A-labels), no trailing dot; ipv4: dotted
  // quad; ipv6: RFC 5952 text (inet_ntop) without brackets.
  std::string text;

  bool operator==(const Host&) const = default;
};

struct HostPort {
  Host host;
  uint16_t port = 0;

  bool operator==(const HostPort&) const = default;
};

// Canonicalises a host: `[v6]` in brackets, a dotted or numeric IPv4 form
// read exactly as inet_aton reads it, or a DNS name (lower-cased, one
// trailing dot dropped, Unicode converted to A-labels by IDNA2008/UTS #46).
// Anything else (control bytes, spaces, `%`, `@`, empty or long labels) is an
// Error whose message never repeats the input.
Result<Host> canonical_host(std::string_view raw);

// Reads a port: 1 to 5 decimal digits, no sign, no leading zero, 1-65535.
Result<uint16_t> parse_port(std::string_view digits);

// Splits and canonicalises `host:port` or `[v6]:port`; without a port,
// `default_port` is used, or it is an Error when there is none.
Result<HostPort> parse_authority(std::string_view authority,
                                 std::optional<uint16_t> default_port = std::nullopt);

// Returns the host as it is written in an authority: IPv6 in brackets.
std::string host_text(const Host& host);

// Returns `host:port` (`[v6]:port`), as messages and the audit log show it.
std::string authority_text(const HostPort& hp);

}  // namespace cx::broker
