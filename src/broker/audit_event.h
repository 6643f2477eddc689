#pragma once
// What the broker reports to the session's audit log: one event per egress
// connection, one per credential response served, and any error the io
// thread caught so that it could keep serving.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "util/clock.h"

namespace cx::broker {

struct AuditEvent {
  enum class Kind { egress, credentials, error };
  Kind kind = Kind::egress;

  // egress: the canonical target, the decision, and what crossed the proxy.
  std::string host;  // host_text(): IPv6 in brackets; empty when the head never parsed
  uint16_t port = 0;
  // The head never parsed (malformed, too large, too slow, cut short):
  // `target` is what it named (HeadParser::attempted_target(), shown with
  // printable_bytes()), empty when the client sent nothing.
  bool malformed = false;
  std::string target;
  bool allowed = false;  // passed the name and address checks
  std::string reason;    // why it was refused or failed; empty for a clean relay
  std::string address;   // the address connected to (or the upstream proxy's), if any
  bool via_upstream_proxy = false;
  uint64_t bytes_up = 0;    // client -> server, after the head
  uint64_t bytes_down = 0;  // server -> client, without the proxy's own answers
  std::chrono::milliseconds duration{0};

  // credentials: what was served, never the secret or the session token.
  std::string access_key_id;
  std::optional<SystemTime> expiration;

  // error: a message for the log (never a secret).
  std::string message;
};

}  // namespace cx::broker
