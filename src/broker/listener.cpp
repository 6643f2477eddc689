#include "broker/listener.h"
#include "util/portable.h"
#include "util/unique_fd.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
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
  // Close-on-exec at creation (atomic where the system allows): a runtime
  // spawned meanwhile must not inherit it.
  UniqueFd fd = port::socket_cloexec(AF_UNIX, SOCK_STREAM, 0, true);
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
  if (Status st = adopt(fd.get(), AF_UNIX, 0, path); !st) {
    ::unlink(path.c_str());
    return make_error(st.error().message, hint);
  }
  (void)fd.release();  // the acceptor owns it now
  return Ok{};
}

Status Listener::adopt(int fd, int family, int protocol, const std::string& what) {
  protocol_ = asio::generic::stream_protocol(family, protocol);
  asio::error_code ec;
  acceptor_.assign(protocol_, fd, ec);
  if (ec) return make_error("cannot listen on " + what + ": " + ec.message());
  return Ok{};
}

Result<uint16_t> Listener::listen_tcp(const std::string& address, bool freebind) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    len = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    len = sizeof *v6;
  } else {
    return make_error("cannot listen on \"" + address + "\": not an IP address");
  }
  UniqueFd fd = port::socket_cloexec(family, SOCK_STREAM, IPPROTO_TCP, true);
  if (!fd) return make_error("cannot create a TCP socket: " + std::string(strerror(errno)));
  // Where the system cannot, the address must be up already.
  if (freebind && family == AF_INET) (void)port::allow_nonlocal_bind(fd.get());
  const std::string what = family == AF_INET6 ? "[" + address + "]" : address;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    const int err = errno;
    return make_error("cannot listen on " + what + ": " + strerror(err),
                      "the remote transport's broker listens where the engine's containers reach "
                      "this host; see `cx doctor`");
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &blen) != 0)
    return make_error("cannot read the port of " + what + ": " + strerror(errno));
  const uint16_t port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                 : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (Status st = adopt(fd.get(), family, IPPROTO_TCP, what); !st) return st.error();
  (void)fd.release();
  return port;
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
  UniqueFd fd = port::accept_cloexec(acceptor_.native_handle(), true);
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
  ClientSocket socket(ctx_.io);
  asio::error_code ec;
  socket.assign(protocol_, fd.get(), ec);
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
