#pragma once
// The egress proxy on proxy.sock: the container's only way out. It accepts
// `CONNECT host:port` and absolute-form `http://` requests, decides on the
// canonical name before any DNS lookup, resolves an allowed name once,
// checks every address, and connects only to the address it checked, or,
// when the host has its own upstream proxy for the target, asks that proxy
// for the checked name (which the upstream resolves again).
//
// Plain-HTTP requests: exactly one request per connection. The head is
// rewritten by origin_form_head() (adding `Connection: close`), exactly
// Content-Length body bytes follow it, and anything after them (a pipelined
// second request, which could name another host) is never forwarded. A
// chunked request body is refused with 411: the SDKs cx serves send
// Content-Length, and relaying chunked framing would need a second parser
// on the security boundary.

#include <memory>

#include "broker/allowlist.h"
#include "broker/listener.h"
#include "broker/resolver.h"
#include "broker/upstream_proxy.h"

namespace cx::broker {

struct EgressPolicy {
  Allowlist allowlist{std::vector<AllowEntry>{}};
  UpstreamProxy upstream;
  std::shared_ptr<Resolver> resolver;  // never null
  // Non-empty on the remote transport's TCP listener: every request head
  // must carry `Proxy-Authorization` with exactly this value (constant-time
  // comparison), else 407 before anything else is looked at.
  std::string proxy_authorization;
};

// Returns the connection handler for one client of proxy.sock.
std::shared_ptr<Connection> make_egress_session(const ServerContext& ctx,
                                                const EgressPolicy& policy, Listener& listener,
                                                ClientSocket client);

}  // namespace cx::broker
