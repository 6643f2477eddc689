#pragma once
// Broker: the host side of a session's sandbox. On the local transport it
// serves three unix sockets in a private directory that is mounted
// read-only into the container: proxy.sock (the egress proxy), creds.sock
// (the credential endpoint) and lifeline.sock (held open while cx lives).
// On the remote transport it serves the first two on TCP ports instead,
// where the engine's VM reaches this host; there every request must carry
// the session's proxy secret or the credential token. One io thread runs them all;
// blocking calls (DNS, a credential renewal in progress) run on four
// workers. Nothing thrown on those threads escapes: it is reported as an
// AuditEvent of kind error, and serving goes on.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/allowlist.h"
#include "broker/audit_event.h"
#include "broker/credential_vendor.h"
#include "broker/resolver.h"
#include "broker/server_context.h"
#include "broker/upstream_proxy.h"
#include "util/result.h"

namespace cx::broker {

// The remote transport's listeners.
struct TcpListen {
  std::string address;       // an IPv4 or IPv6 literal of this host
  bool freebind = false;     // bind before the address is up
  std::string proxy_secret;  // the password of the required Proxy-Authorization (user "cx")
};

struct BrokerConfig {
  std::string directory;  // exists, mode 0700, made by the caller
  Allowlist allowlist{std::vector<AllowEntry>{}};
  CredentialVendor* vendor = nullptr;  // null: no creds.sock
  std::string token;                   // the credential endpoint's token
  UpstreamProxy upstream;              // the HOST's proxy (UpstreamProxy::from_env)
  BrokerLimits limits;
  // Called on the io thread, one at a time; must not block for long.
  AuditSink audit;
  std::shared_ptr<Resolver> resolver;  // null: SystemResolver
  std::optional<TcpListen> tcp;        // set: TCP listeners instead of unix sockets
};

class Broker {
 public:
  explicit Broker(BrokerConfig config);
  // Stops the broker.
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Binds the sockets (mode 0600) and starts the io thread; returns once
  // every socket listens. Fails closed: on any error nothing listens.
  Status start();
  // Closes every socket and connection (lifeline clients see EOF), joins
  // the threads and removes the socket files; idempotent.
  void stop();
  // The same, but waits at most `limit` for the io thread: false when it is
  // stalled (a handler that does not return: a sink blocked on a hung disk,
  // a bug). The broker is then left as it is, serving nothing new, and is
  // never torn down (its memory is left to the process); the caller should
  // end the process, and cx's reaper removes what the session made.
  bool stop_within(std::chrono::milliseconds limit);

  // The number of lifeline clients connected now (any thread).
  int lifeline_connections() const;

  // The TCP ports of the egress proxy and the credential endpoint (after
  // start() with BrokerConfig::tcp; 0 otherwise).
  uint16_t proxy_port() const;
  uint16_t credentials_port() const;

  // The socket paths (valid after construction).
  std::string proxy_socket() const;
  std::string credentials_socket() const;
  std::string lifeline_socket() const;

  struct Impl;  // opaque; named here only so that broker.cpp can keep a stalled one

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cx::broker
