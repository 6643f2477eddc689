#pragma once
// The host's own proxy (a corporate proxy named by HTTPS_PROXY/HTTP_PROXY and
// NO_PROXY on the host), through which the egress proxy reaches allowed
// destinations. The container never sees it: it is cx's own route out.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/address_policy.h"
#include "broker/host.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::broker {

// Where to send `CONNECT host:port`, and the credentials the URL carried.
// Returns `Basic BASE64(user:password)`, a Proxy-Authorization value.
std::string basic_authorization(std::string_view user, std::string_view password);

struct ProxyEndpoint {
  HostPort address;
  std::string authorization;  // `Basic ...` from the URL's user:password, or empty

  bool operator==(const ProxyEndpoint&) const = default;
};

// One NO_PROXY entry: `*`, a name matching itself and its subdomains (a
// leading `.` or `*.` is ignored, as curl does), an IP address, an IP/prefix
// range; a name or address may carry `:port`.
struct NoProxyRule {
  enum class Kind { all, name, address, range };
  Kind kind = Kind::all;
  std::string name;
  std::optional<IpAddress> address;
  int prefix = 0;
  std::optional<uint16_t> port;
};

class UpstreamProxy {
 public:
  // No upstream proxy: every connection is direct.
  UpstreamProxy() = default;

  // Reads https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY (the first set
  // wins; it serves both CONNECT and plain-HTTP targets, since cx tunnels
  // both) and no_proxy/NO_PROXY. Only `http://` proxy URLs (or no scheme)
  // are supported; errors name the variable, never its value.
  static Result<UpstreamProxy> from_env(const EnvLookup& env);

  // Builds a setting from ready parts (tests, callers with their own source).
  UpstreamProxy(std::optional<ProxyEndpoint> proxy, std::vector<NoProxyRule> no_proxy)
      : proxy_(std::move(proxy)), no_proxy_(std::move(no_proxy)) {}

  // Returns the proxy to tunnel through to `target`, or nullopt to connect directly.
  std::optional<ProxyEndpoint> route(const HostPort& target) const;

  bool enabled() const { return proxy_.has_value(); }

 private:
  std::optional<ProxyEndpoint> proxy_;
  std::vector<NoProxyRule> no_proxy_;
};

// Parses a proxy URL such as `http://user:pw@proxy.corp:3128/` (port 1080
// when none is given, as curl does); `what` names the variable in errors.
Result<ProxyEndpoint> parse_proxy_url(std::string_view url, std::string_view what);

// Parses a NO_PROXY list (commas or spaces); unreadable entries are skipped.
std::vector<NoProxyRule> parse_no_proxy(std::string_view list);

}  // namespace cx::broker
