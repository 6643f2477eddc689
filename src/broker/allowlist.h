#pragma once
// The egress policy: which (canonical host, port) pairs the proxy may reach.
// It is decided on the name the client gave, before any DNS lookup, so a
// denied name is never resolved (no exfiltration through DNS queries).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/host.h"
#include "util/result.h"

namespace cx::broker {

// One rule: a host (or every name strictly under a suffix) on one port.
struct AllowEntry {
  enum class Kind { exact, suffix };
  Kind kind = Kind::exact;
  Host host;  // for a suffix, the canonical suffix without `*.`
  uint16_t port = 443;
  // The port was written (`host:port`): only such an exact entry lets the
  // proxy connect to a loopback, private or otherwise special address.
  bool port_listed = false;
  std::string origin;  // where the rule came from, e.g. "CX_ALLOW_HOSTS" or "Bedrock"

  bool operator==(const AllowEntry&) const = default;
};

// Parses one CX_ALLOW_HOSTS entry: `host`, `*.suffix`, `host:port`,
// `*.suffix:port`, `1.2.3.4:port`, `[v6]:port` (no port = 443). Refused: a
// wildcard that is or spans a public suffix (`*.co.uk`, `*.github.io`,
// `*.amazonaws.com`), and an address cx never dials (link-local, instance
// metadata; see never_dialled). An address that is loopback, private or
// otherwise special is accepted with a line in `warnings` (when given).
// Errors and warnings read `CX_ALLOW_HOSTS entry "x:y": ...`.
Result<AllowEntry> parse_allow_entry(std::string_view entry,
                                     std::vector<std::string>* warnings = nullptr);

// The Bedrock hosts Claude Code reaches in `region` on port 443:
// bedrock-runtime.REGION.DNS-SUFFIX (invoke) and bedrock.REGION.DNS-SUFFIX
// (inference profiles), the two it was seen to CONNECT to
// (docs/environment.md §Claude Code against a stand-in), plus their `-fips`
// forms when `fips` (AWS_USE_FIPS_ENDPOINT=true, the only case in which the
// SDK uses them) is set. Cross-region inference profiles are served by the
// source region's endpoint, and credentials come from the broker, so no STS
// or other AWS host is needed. DNS-SUFFIX is amazonaws.com.cn for cn-*
// regions, amazonaws.com otherwise.
std::vector<std::string> bedrock_hosts(std::string_view region, bool fips = false);

struct Decision {
  bool allowed = false;
  std::string reason;  // why not, short, e.g. "not in the allowlist"; empty when allowed
  // The matching rule is an exact `host:port` with the port written, so the
  // special addresses that address_policy refuses are accepted for it.
  bool special_addresses_ok = false;
};

class Allowlist {
 public:
  // Builds the policy for `region` from the Bedrock hosts and the
  // CX_ALLOW_HOSTS entries (as config/settings split them).
  static Result<Allowlist> make(std::string_view region, const std::vector<std::string>& entries,
                                bool fips = false);

  // Builds a policy from ready rules (tests, and callers that add their own).
  explicit Allowlist(std::vector<AllowEntry> rules) : rules_(std::move(rules)) {}

  // Decides whether a canonical host on `port` may be reached. A wildcard
  // rule never reaches a name through a public suffix under it.
  Decision decide(const Host& host, uint16_t port) const;

  const std::vector<AllowEntry>& rules() const { return rules_; }

 private:
  std::vector<AllowEntry> rules_;
};

}  // namespace cx::broker
