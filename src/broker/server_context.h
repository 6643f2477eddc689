#pragma once
// What the broker's three servers share: the io thread's context, the
// workers that run blocking calls (getaddrinfo, a credential renewal in
// progress) off it, the audit sink and the time limits.

#include <asio/io_context.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "broker/audit_event.h"
#include "broker/http_head.h"

namespace cx::broker {

// A client of one of the broker's listeners: a unix socket (local transport)
// or a TCP connection (remote transport); the servers do not tell them apart.
using ClientSocket = asio::generic::stream_protocol::socket;
using AuditSink = std::function<void(const AuditEvent&)>;

struct BrokerLimits {
  std::chrono::milliseconds head_timeout{10'000};  // whole request head; then 408
  std::chrono::milliseconds connect_timeout{
      10'000};                                      // resolve + connect + upstream proxy; then 502
  std::chrono::milliseconds idle_timeout{600'000};  // no byte either way; then closed
  std::chrono::milliseconds linger{1'000};          // reading what a refused client still sends
  size_t max_connections = 256;  // per socket; further clients wait in the backlog
  HeadLimits head;
  // True: tunnels move their bytes with splice(2) where the system has it.
  // Off by default: on the machine BENCHMARKS.md was measured on it was no
  // faster than copying through the proxy's buffers (the per-packet TCP
  // work, not the copies, is the cost there). The tests and the benchmark
  // run both.
  bool splice = false;
};

struct ServerContext {
  asio::io_context& io;
  asio::thread_pool& workers;
  AuditSink audit;
  BrokerLimits limits;

  // Delivers an event to the audit sink from the io thread; a throwing sink
  // is contained so that it cannot stop the broker.
  void emit(const AuditEvent& event) const;
  // Reports an error the io thread caught and survived.
  void error(std::string message) const;
};

}  // namespace cx::broker
