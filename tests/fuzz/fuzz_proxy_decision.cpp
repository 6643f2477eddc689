// Differential fuzzing of the egress decision. For any authority a client
// may send, the decision is the one made for its canonical form and for
// every other spelling of the same destination (case, a trailing dot,
// numeric IPv4 forms, expanded IPv6), and the proxy's request parser reads
// the authority of CONNECT and of an http:// URL exactly as parse_authority
// does, so no spelling reaches a host the policy did not judge.
#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "broker/allowlist.h"
#include "broker/http_head.h"
#include "fuzz_support.h"

using namespace cx;
using namespace cx::broker;

namespace {

const Allowlist& policy() {
  static const Allowlist p = [] {
    auto made = Allowlist::make(
        "us-east-1", {"example.com", "*.corp.example", "api.internal:8443", "10.0.0.1:22",
                      "127.0.0.1:8080", "[fd00::1]:443", "[::1]:3000", "xn--bcher-kva.example",
                      "*.xn--e1afmkfd.xn--p1ai", "localhost:9000"});
    if (!made) fuzz::fail("the test policy builds");
    return std::move(*made);
  }();
  return p;
}

bool same(const Decision& a, const Decision& b) {
  return a.allowed == b.allowed && a.special_addresses_ok == b.special_addresses_ok &&
         a.reason == b.reason;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

// Other spellings of `host` that must canonicalise to it.
std::vector<std::string> spellings(const Host& host) {
  std::vector<std::string> out = {upper(host_text(host))};
  if (host.kind == HostKind::name) {
    out.push_back(host.text + ".");
  } else if (host.kind == HostKind::ipv4) {
    in_addr a{};
    if (inet_pton(AF_INET, host.text.c_str(), &a) != 1) fuzz::fail("ipv4 text is dotted quad");
    const uint32_t v = ntohl(a.s_addr);
    char buf[64];
    out.push_back(std::to_string(v));
    std::snprintf(buf, sizeof buf, "0x%x", v);
    out.push_back(buf);
    std::snprintf(buf, sizeof buf, "0%o.0%o.0%o.0%o", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
                  v & 255);
    out.push_back(buf);
  } else {
    in6_addr a{};
    if (inet_pton(AF_INET6, host.text.c_str(), &a) != 1) fuzz::fail("ipv6 text parses");
    std::string full = "[";
    char buf[8];
    for (int i = 0; i < 16; i += 2) {
      std::snprintf(buf, sizeof buf, "%02X%02X", a.s6_addr[i], a.s6_addr[i + 1]);
      full += (i ? ":" : "") + std::string(buf);
    }
    out.push_back(full + "]");
  }
  return out;
}

bool visible_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// The target the proxy's parser reads from `request`, or nullopt if it refuses it.
std::optional<HostPort> parsed_target(const std::string& request) {
  HeadParser parser(ParseMode::proxy);
  parser.feed(request);
  if (parser.state() != HeadParser::State::complete) return std::nullopt;
  return parser.head().target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto hp = parse_authority(input);  // CONNECT: the port is required
  auto url_hp = parse_authority(input, 80);

  if (visible_ascii(input) && !input.empty()) {
    const std::string in(input);
    auto connect = parsed_target("CONNECT " + in + " HTTP/1.1\r\nHost: " + in + "\r\n\r\n");
    fuzz::require(connect.has_value() == hp.ok(), "CONNECT accepts what parse_authority does");
    if (connect) fuzz::require(*connect == *hp, "CONNECT reads the authority as parse_authority");
    if (in.find_first_of("/?#") == std::string::npos) {
      auto url = parsed_target("GET http://" + in + "/ HTTP/1.1\r\nHost: " + in + "\r\n\r\n");
      fuzz::require(url.has_value() == url_hp.ok(), "a URL accepts what parse_authority does");
      if (url) fuzz::require(*url == *url_hp, "a URL reads the authority as parse_authority");
    }
  }

  if (!url_hp) {
    fuzz::require_one_line(url_hp.error());
    return 0;
  }
  const HostPort& target = *url_hp;
  const Decision decision = policy().decide(target.host, target.port);

  auto canonical = parse_authority(authority_text(target));
  fuzz::require(canonical.ok() && *canonical == target, "the canonical form reads back");
  fuzz::require(same(policy().decide(canonical->host, canonical->port), decision),
                "the canonical form gets the same decision");
  for (const std::string& spelling : spellings(target.host)) {
    auto other = parse_authority(spelling + ":" + std::to_string(target.port));
    fuzz::require(other.ok() && *other == target, "another spelling reads as the same host");
    fuzz::require(same(policy().decide(other->host, other->port), decision),
                  "another spelling gets the same decision");
  }
  return 0;
}
