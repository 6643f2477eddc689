#pragma once
// A listener of the broker: a unix socket bound with mode 0600 (local
// transport) or a TCP port (remote transport; the servers behind it then
// authenticate every request). It accepts with close-on-exec (the runtime
// cx spawns must never inherit a lifeline or a tunnel), caps concurrent
// connections, and closes them all on shutdown.

#include <asio/basic_socket_acceptor.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "broker/server_context.h"
#include "util/result.h"

namespace cx::broker {

// One accepted client. Every method runs on the io thread.
class Connection {
 public:
  virtual ~Connection() = default;
  // Begins serving the client.
  virtual void start() = 0;
  // Ends the connection now (the broker is stopping); reports it as usual.
  virtual void close() = 0;
};

class Listener {
 public:
  using Factory = std::function<std::shared_ptr<Connection>(Listener&, ClientSocket)>;

  Listener(const ServerContext& ctx, std::string name, Factory factory);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and listens on `path` (before the io thread runs); an Error names the path.
  Status listen(const std::string& path);
  // Binds and listens on TCP `address` (IPv4 or IPv6 literal), on a port the
  // system picks; `freebind`: even before the address is configured on an
  // interface (a bridge the engine makes on demand). Returns the port.
  Result<uint16_t> listen_tcp(const std::string& address, bool freebind);
  // Starts accepting; call on the io thread or before it runs.
  void start();
  // Closes the socket and every live connection (io thread).
  void shutdown();
  // Called by a connection when it has ended (io thread); frees its slot.
  void ended(Connection* connection);
  // The number of live connections (io thread).
  size_t live() const { return live_.size(); }

 private:
  void accept();
  void on_readable();

  const ServerContext& ctx_;
  std::string name_;
  Factory factory_;
  Status adopt(int fd, int family, int protocol, const std::string& what);

  asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor_;
  asio::generic::stream_protocol protocol_{AF_UNIX, 0};
  asio::steady_timer retry_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;
  bool waiting_ = false;  // an accept wait is outstanding
  bool closed_ = false;
};

}  // namespace cx::broker
