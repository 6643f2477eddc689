#pragma once
// A unix-socket listener of the broker: binds with mode 0600, accepts with
// close-on-exec (the runtime cx spawns must never inherit a lifeline or a
// tunnel), caps concurrent connections, and closes them all on shutdown.

#include <asio/steady_timer.hpp>
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
  using Factory = std::function<std::shared_ptr<Connection>(Listener&, UnixSocket)>;

  Listener(const ServerContext& ctx, std::string name, Factory factory);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and listens on `path` (before the io thread runs); an Error names the path.
  Status listen(const std::string& path);
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
  asio::local::stream_protocol::acceptor acceptor_;
  asio::steady_timer retry_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;
  bool waiting_ = false;  // an accept wait is outstanding
  bool closed_ = false;
};

}  // namespace cx::broker
