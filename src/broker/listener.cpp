#include "broker/listener.h"
#include "util/unique_fd.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cx::broker {

Listener::Listener(const ServerContext& ctx, std::string name, Factory factory)
    : ctx_(ctx),
      name_(std::move(name)),
      factory_(std::move(factory)),
      acceptor_(ctx.io),
      retry_(ctx.io) {}

Status Listener::listen(const std::string& path) {
  const std::string hint = "check that the broker directory exists and is writable by you";
  sockaddr_un sa{};
  if (path.size() >= sizeof sa.sun_path) {
    return make_error("the socket path " + path + " is too long for a unix socket",
                      "set TMPDIR or XDG_RUNTIME_DIR to a shorter directory");
  }
  // SOCK_CLOEXEC at creation: a runtime spawned meanwhile must not inherit it.
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return make_error("cannot create a unix socket: " + std::string(strerror(errno)));
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    const int err = errno;
    return make_error("cannot listen on " + path + ": " + strerror(err), hint);
  }
  // The directory is private already; the mode is a second fence.
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    return make_error("cannot listen on " + path + ": " + strerror(err), hint);
  }
  asio::error_code ec;
  acceptor_.assign(asio::local::stream_protocol(), fd.get(), ec);
  if (ec) {
    ::unlink(path.c_str());
    return make_error("cannot listen on " + path + ": " + ec.message(), hint);
  }
  (void)fd.release();  // the acceptor owns it now
  return Ok{};
}

void Listener::start() { accept(); }

void Listener::accept() {
  if (closed_ || waiting_ || live_.size() >= ctx_.limits.max_connections) return;
  waiting_ = true;
  acceptor_.async_wait(asio::socket_base::wait_read, [this](const asio::error_code& ec) {
    waiting_ = false;
    if (ec || closed_) return;  // aborted: shutting down
    try {
      on_readable();
    } catch (const std::exception& e) {
      // bad_alloc and the like: drop this client, keep the socket serving.
      ctx_.error("the " + name_ + " socket could not take a connection: " + e.what());
      accept();
    }
  });
}

void Listener::on_readable() {
  UniqueFd fd(
      ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!fd) {
    const int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED) {
      return accept();
    }
    // Out of descriptors, say: report and retry later rather than spin.
    ctx_.error("accept on the " + name_ + " socket failed: " + strerror(err));
    retry_.expires_after(std::chrono::milliseconds(200));
    retry_.async_wait([this](const asio::error_code& ec) {
      if (!ec) accept();
    });
    return;
  }
  UnixSocket socket(ctx_.io);
  asio::error_code ec;
  socket.assign(asio::local::stream_protocol(), fd.get(), ec);
  if (ec) {
    ctx_.error("cannot adopt a connection on the " + name_ + " socket: " + ec.message());
    return accept();
  }
  (void)fd.release();  // the socket owns it now
  std::shared_ptr<Connection> conn = factory_(*this, std::move(socket));
  live_.emplace(conn.get(), conn);
  conn->start();
  accept();
}

void Listener::ended(Connection* connection) {
  live_.erase(connection);
  accept();
}

void Listener::shutdown() {
  closed_ = true;
  asio::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [ptr, weak] : live_) {
    if (auto c = weak.lock()) all.push_back(std::move(c));
  }
  for (auto& c : all) c->close();
  live_.clear();
}

}  // namespace cx::broker
