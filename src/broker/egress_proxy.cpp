#include "broker/egress_proxy.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <optional>

#include "broker/client_session.h"
#include "broker/ecs_credentials.h"
#include "broker/responses.h"
#include "util/portable.h"
#include "util/unique_fd.h"

namespace cx::broker {
namespace {

using Tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using Addresses = Result<std::vector<IpAddress>>;

// The most an upstream proxy may say before its tunnel starts.
constexpr size_t kMaxProxyReply = 16 * 1024;
// The most of a malformed request's target the audit log shows.
constexpr size_t kMaxShownTarget = 200;
// What a tunnel's pipe is asked to hold (the kernel's default is 64 KiB; 1 MiB
// was no faster in BENCHMARKS.md, and every page counts against the user's
// pipe-user-pages-soft, 64 MiB, past which all of the user's new pipes
// shrink), and what one direction moves before it lets the io thread's other
// connections have a turn.
constexpr size_t kPipeSize = 256 << 10;
constexpr size_t kSpliceTurn = 4 << 20;

// One direction of a spliced tunnel: the bytes go from one socket into this
// pipe and from it into the other socket inside the kernel, never through the
// proxy's memory. The copying relay costs two copies of every byte more,
// which at loopback speed is most of its time.
struct SplicePipe {
  UniqueFd read, write;
  size_t held = 0;  // in the pipe, not yet written on
  explicit operator bool() const { return static_cast<bool>(read); }
};

// Both ends close-on-exec and not blocking; empty when no pipe can be had (no
// descriptor left): that direction copies instead.
SplicePipe open_pipe() {
  SplicePipe p;
  int fds[2];
  if (!port::pipe_cloexec(fds, true)) return p;
  p.read.reset(fds[0]);
  p.write.reset(fds[1]);
  (void)port::resize_pipe(fds[1], kPipeSize);  // refused: the default size works too
  return p;
}

std::string length_required() {
  const std::string body = "cx: chunked request bodies are not supported; send Content-Length\n";
  return "HTTP/1.1 411 Length Required\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

asio::ip::address to_asio(const IpAddress& a) {
  if (a.family() == AF_INET) {
    asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), a.bytes(), b.size());
    return asio::ip::address_v4(b);
  }
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.bytes(), b.size());
  return asio::ip::address_v6(b);
}

// Reads the status code of `HTTP/1.x NNN ...`; 0 when it is not one.
int status_code(std::string_view head) {
  if (head.size() < 12 || !head.starts_with("HTTP/1.") || head[8] != ' ') return 0;
  int code = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    code = code * 10 + (head[i] - '0');
  }
  return code;
}

class EgressSession final : public ClientSession {
 public:
  EgressSession(const ServerContext& ctx, const EgressPolicy& policy, Listener& listener,
                ClientSocket client)
      : ClientSession(ctx, listener, std::move(client), ParseMode::proxy),
        policy_(policy),
        upstream_(ctx.io),
        down_buf_(kBufferSize) {}

 private:
  std::shared_ptr<EgressSession> self() {
    return std::static_pointer_cast<EgressSession>(shared_from_this());
  }
  bool stale() const { return finished() || !connecting_; }

  void on_head(const RequestHead& head, std::string_view rest) override;
  void on_finish(const std::string& reason) override;

  void refuse(std::string reason);
  void fail(std::string reason);
  template <class F>
  void resolve(std::string name, F done);
  void on_target_addresses(Addresses addresses);
  void check_and_connect(std::span<const IpAddress> addresses);
  void connect_upstream_proxy();
  void connect(const IpAddress& addr, uint16_t port);
  void send_proxy_connect();
  void read_proxy_reply();
  void ready(std::string_view to_client);
  void pump_up();
  void pump_down();
  void client_ended();
  void server_ended();
  template <class From, class To>
  void splice_relay(SplicePipe& pipe, From& from, To& to, bool up);
  template <class Socket>
  void await(Socket& socket, asio::socket_base::wait_type what, std::string_view side, bool up);
  void watch_idle();
  void maybe_done();

  const EgressPolicy& policy_;
  Tcp::socket upstream_;
  std::vector<char> down_buf_;  // reads from the upstream
  RequestHead head_;
  Decision decision_;
  std::optional<ProxyEndpoint> via_;
  std::string target_;     // HOST:PORT as messages show it
  std::string pending_;    // client bytes to send upstream first
  std::string handshake_;  // our CONNECT to the upstream proxy, then its answer
  std::string first_down_;
  SplicePipe up_pipe_, down_pipe_;  // set while that direction of a tunnel splices
  bool tunnel_ = false;
  bool got_head_ = false;
  bool connecting_ = false;
  bool up_done_ = false;
  bool down_done_ = false;
  uint64_t body_left_ = 0;
  SteadyClock::time_point last_activity_;
  AuditEvent event_;
};

void EgressSession::on_head(const RequestHead& head, std::string_view rest) {
  head_ = head;
  got_head_ = true;
  event_.host = host_text(head.target.host);
  event_.port = head.target.port;
  target_ = authority_text(head.target);
  tunnel_ = head.form == TargetForm::authority;

  // On TCP, only the session's own container knows the secret: anyone else
  // who can reach the port (another process, another container of the VM)
  // is turned away before the target is even looked at.
  if (!policy_.proxy_authorization.empty() &&
      !token_matches(head.header("proxy-authorization"), policy_.proxy_authorization)) {
    return reply_and_close(proxy_authentication_required(), "proxy authentication required");
  }

  // The name decides first: a denied name is never resolved.
  decision_ = policy_.allowlist.decide(head.target.host, head.target.port);
  if (!decision_.allowed) return refuse(decision_.reason);
  if (!tunnel_ && head.chunked) {
    return reply_and_close(length_required(), "chunked request body refused");
  }
  if (tunnel_) {
    pending_.assign(rest);
  } else {
    body_left_ = head.content_length.value_or(0);
    // Bytes past the announced body are a second request: never forwarded.
    pending_.assign(rest.substr(0, std::min<uint64_t>(rest.size(), body_left_)));
    body_left_ -= pending_.size();
  }
  event_.bytes_up = pending_.size();

  via_ = policy_.upstream.route(head.target);
  connecting_ = true;
  arm_timer(ctx_.limits.connect_timeout, [this] {
    asio::error_code ignored;
    upstream_.close(ignored);
    fail("cannot connect to " + target_ + ": timed out");
  });

  // The same address rule holds with or without the host's upstream proxy:
  // a literal is judged as it is, a name is resolved on this host first.
  const std::optional<IpAddress> literal = IpAddress::from_host(head.target.host);
  if (!literal) {
    return resolve(head.target.host.text,
                   [this](Addresses a) { on_target_addresses(std::move(a)); });
  }
  check_and_connect(std::span(&*literal, 1));
}

void EgressSession::refuse(std::string reason) {
  connecting_ = false;
  event_.allowed = false;
  reply_and_close(forbidden(reason), reason);
}

void EgressSession::fail(std::string reason) {
  connecting_ = false;
  reply_and_close(bad_gateway(reason), reason);
}

template <class F>
void EgressSession::resolve(std::string name, F done) {
  asio::post(ctx_.workers, [self = self(), resolver = policy_.resolver, name = std::move(name),
                            done = std::move(done)]() mutable {
    Addresses result = make_error("cannot resolve " + name);
    try {
      result = resolver->resolve(name);
    } catch (const std::exception& e) {
      result = make_error("cannot resolve " + name + ": " + e.what());
    }
    EgressSession* session = self.get();
    asio::post(session->ctx_.io, [self = std::move(self), result = std::move(result),
                                  done = std::move(done)]() mutable {
      if (!self->stale()) done(std::move(result));
    });
  });
}

void EgressSession::on_target_addresses(Addresses addresses) {
  if (!addresses) {
    if (!via_) return fail(addresses.error().message);
    return fail(addresses.error().message +
                " (cx checks the addresses of a name on this host before it asks the upstream "
                "proxy for it)");
  }
  check_and_connect(*addresses);
}

void EgressSession::check_and_connect(std::span<const IpAddress> addresses) {
  auto chosen = choose_address(addresses, decision_.special_addresses_ok, head_.target.host.text);
  if (!chosen) return refuse(chosen.error().message);
  if (!via_) return connect(*chosen, head_.target.port);
  connect_upstream_proxy();
}

void EgressSession::connect_upstream_proxy() {
  // The upstream proxy is asked for the name, which it resolves again: see
  // README (network) for what that leaves open.
  event_.via_upstream_proxy = true;
  if (auto proxy = IpAddress::from_host(via_->address.host)) {
    return connect(*proxy, via_->address.port);
  }
  resolve(via_->address.host.text, [this](Addresses a) {
    if (!a) return fail("cannot resolve the upstream proxy: " + a.error().message);
    connect(a->front(), via_->address.port);
  });
}

void EgressSession::connect(const IpAddress& addr, uint16_t port) {
  event_.allowed = true;
  event_.address = addr.text();
  const std::string what = via_ ? "the upstream proxy " + authority_text(via_->address) : target_;
  // Close-on-exec: a runtime cx spawns meanwhile must not inherit the tunnel.
  UniqueFd fd = port::socket_cloexec(addr.family(), SOCK_STREAM, IPPROTO_TCP, true);
  if (!fd) return fail("cannot connect to " + what + ": " + strerror(errno));
  asio::error_code ec;
  upstream_.assign(addr.family() == AF_INET ? Tcp::v4() : Tcp::v6(), fd.get(), ec);
  if (ec) return fail("cannot connect to " + what + ": " + ec.message());
  (void)fd.release();  // the socket owns it now
  upstream_.async_connect(Tcp::endpoint(to_asio(addr), port),
                          [self = self(), this, what](const asio::error_code& err) {
                            if (stale()) return;
                            if (err)
                              return fail("cannot connect to " + what + ": " + err.message());
                            asio::error_code ignored;
                            upstream_.set_option(Tcp::no_delay(true), ignored);
                            if (via_) return send_proxy_connect();
                            ready("");
                          });
}

void EgressSession::send_proxy_connect() {
  handshake_ = "CONNECT " + target_ + " HTTP/1.1\r\nHost: " + target_ + "\r\n";
  if (!via_->authorization.empty()) {
    handshake_ += "Proxy-Authorization: " + via_->authorization + "\r\n";
  }
  handshake_ += "\r\n";
  asio::async_write(upstream_, asio::buffer(handshake_),
                    [self = self(), this](const asio::error_code& ec, size_t) {
                      if (stale()) return;
                      if (ec)
                        return fail("the upstream proxy for " + target_ + ": " + ec.message());
                      handshake_.clear();
                      read_proxy_reply();
                    });
}

void EgressSession::read_proxy_reply() {
  upstream_.async_read_some(
      asio::buffer(down_buf_), [self = self(), this](const asio::error_code& ec, size_t n) {
        if (stale()) return;
        if (ec) return fail("the upstream proxy closed the connection for " + target_);
        handshake_.append(down_buf_.data(), n);
        const size_t end = handshake_.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (handshake_.size() > kMaxProxyReply) {
            return fail("the upstream proxy sent an oversized answer for " + target_);
          }
          return read_proxy_reply();
        }
        const int code = status_code(handshake_);
        if (code < 200 || code > 299) {
          return fail("the upstream proxy refused CONNECT " + target_ + " (status " +
                      std::to_string(code) + ")");
        }
        const std::string rest = handshake_.substr(end + 4);
        handshake_.clear();
        ready(rest);
      });
}

void EgressSession::ready(std::string_view to_client) {
  connecting_ = false;
  cancel_timer();
  last_activity_ = SteadyClock::now();
  watch_idle();
  event_.bytes_down += to_client.size();
  if (tunnel_ && ctx_.limits.splice) {
    up_pipe_ = open_pipe();
    down_pipe_ = open_pipe();
  }

  if (!tunnel_) pending_.insert(0, origin_form_head(head_));
  if (pending_.empty()) {
    pump_up();
  } else {
    asio::async_write(upstream_, asio::buffer(pending_),
                      [self = self(), this](const asio::error_code& ec, size_t) {
                        if (finished()) return;
                        if (ec) return finish("server: " + ec.message());
                        pending_.clear();
                        pump_up();
                      });
  }

  first_down_ = tunnel_ ? connection_established() : std::string();
  first_down_ += to_client;
  if (first_down_.empty()) return pump_down();
  asio::async_write(client_, asio::buffer(first_down_),
                    [self = self(), this](const asio::error_code& ec, size_t) {
                      if (finished()) return;
                      if (ec) return finish("client: " + ec.message());
                      first_down_.clear();
                      pump_down();
                    });
}

void EgressSession::pump_up() {
  if (up_pipe_) return splice_relay(up_pipe_, client_, upstream_, true);
  if (!tunnel_ && body_left_ == 0) {
    up_done_ = true;  // never read past the body: the rest is not forwarded
    return;
  }
  const size_t want = tunnel_ ? buf_.size() : std::min<uint64_t>(buf_.size(), body_left_);
  client_.async_read_some(asio::buffer(buf_.data(), want),
                          [self = self(), this](const asio::error_code& ec, size_t n) {
                            if (finished()) return;
                            if (ec == asio::error::eof && tunnel_) return client_ended();
                            if (ec == asio::error::eof)
                              return finish("the client closed before the whole body");
                            if (ec) return finish("client: " + ec.message());
                            last_activity_ = SteadyClock::now();
                            event_.bytes_up += n;
                            if (!tunnel_) body_left_ -= n;
                            asio::async_write(upstream_, asio::buffer(buf_.data(), n),
                                              [self, this](const asio::error_code& err, size_t) {
                                                if (finished()) return;
                                                if (err) return finish("server: " + err.message());
                                                pump_up();
                                              });
                          });
}

void EgressSession::pump_down() {
  if (down_pipe_) return splice_relay(down_pipe_, upstream_, client_, false);
  upstream_.async_read_some(asio::buffer(down_buf_),
                            [self = self(), this](const asio::error_code& ec, size_t n) {
                              if (finished()) return;
                              if (ec == asio::error::eof) return server_ended();
                              if (ec) return finish("server: " + ec.message());
                              last_activity_ = SteadyClock::now();
                              event_.bytes_down += n;
                              asio::async_write(client_, asio::buffer(down_buf_.data(), n),
                                                [self, this](const asio::error_code& err, size_t) {
                                                  if (finished()) return;
                                                  if (err)
                                                    return finish("client: " + err.message());
                                                  pump_down();
                                                });
                            });
}

// The client has sent all it will (a tunnel): so does the proxy, to the server.
void EgressSession::client_ended() {
  asio::error_code ignored;
  upstream_.shutdown(Tcp::socket::shutdown_send, ignored);
  up_done_ = true;
  maybe_done();
}

void EgressSession::server_ended() {
  asio::error_code ignored;
  client_.shutdown(ClientSocket::shutdown_send, ignored);
  down_done_ = true;
  if (tunnel_) return maybe_done();
  // The response is complete. Reading on from the client (it may have
  // pipelined more) lets it read the answer before we close.
  return up_done_ ? linger_and_finish("") : finish("");
}

// Empties the pipe into `to`, fills it from `from` again, and so on until
// one of them would block: then waits for that one. The pipe is filled only
// when empty, so the end of `from`'s data is passed on (a half-close) only
// after all of it, and a slow `to` leaves the rest in `from`'s socket, which
// tells the sender to wait.
template <class From, class To>
void EgressSession::splice_relay(SplicePipe& pipe, From& from, To& to, bool up) {
  const std::string_view from_side = up ? "client: " : "server: ";
  const std::string_view to_side = up ? "server: " : "client: ";
  for (size_t moved = 0;;) {
    if (pipe.held > 0) {
      const ssize_t n = port::splice_nonblocking(pipe.read.get(), to.native_handle(), pipe.held);
      if (n < 0 && errno == EAGAIN) return await(to, asio::socket_base::wait_write, to_side, up);
      if (n <= 0) {
        return finish(std::string(to_side) + (n < 0 ? std::strerror(errno) : "nothing written"));
      }
      pipe.held -= static_cast<size_t>(n);
      continue;
    }
    if (moved >= kSpliceTurn) break;
    const ssize_t n = port::splice_nonblocking(from.native_handle(), pipe.write.get(), kPipeSize);
    if (n < 0 && errno == EAGAIN) return await(from, asio::socket_base::wait_read, from_side, up);
    if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
      // This system, or this kind of socket, does not splice: the pipe is
      // empty, so the copying relay takes over from here.
      pipe = SplicePipe();
      return up ? pump_up() : pump_down();
    }
    if (n < 0) return finish(std::string(from_side) + std::strerror(errno));
    if (n == 0) return up ? client_ended() : server_ended();
    pipe.held = static_cast<size_t>(n);
    moved += pipe.held;
    last_activity_ = SteadyClock::now();
    (up ? event_.bytes_up : event_.bytes_down) += pipe.held;
  }
  asio::post(ctx_.io, [self = self(), this, up] {
    if (!finished()) up ? pump_up() : pump_down();
  });
}

template <class Socket>
void EgressSession::await(Socket& socket, asio::socket_base::wait_type what, std::string_view side,
                          bool up) {
  socket.async_wait(what, [self = self(), this, side, up](const asio::error_code& ec) {
    if (finished()) return;
    if (ec) return finish(std::string(side) + ec.message());
    up ? pump_up() : pump_down();
  });
}

void EgressSession::maybe_done() {
  if (up_done_ && down_done_) finish("");
}

void EgressSession::watch_idle() {
  const auto left = ctx_.limits.idle_timeout - (SteadyClock::now() - last_activity_);
  if (left <= SteadyClock::duration::zero()) {
    return finish(
        "idle for " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(ctx_.limits.idle_timeout).count()) +
        " s");
  }
  // One timer per connection, re-armed only when it fires: the relay's hot
  // path just stores a time stamp.
  arm_timer(left, [this] { watch_idle(); });
}

void EgressSession::on_finish(const std::string& reason) {
  connecting_ = false;
  asio::error_code ignored;
  upstream_.close(ignored);
  up_pipe_ = SplicePipe();
  down_pipe_ = SplicePipe();
  event_.kind = AuditEvent::Kind::egress;
  event_.reason = reason;
  if (!got_head_) {
    event_.malformed = true;
    event_.target = printable_bytes(parser().attempted_target(), kMaxShownTarget);
  }
  event_.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started_);
  ctx_.emit(event_);
}

}  // namespace

std::shared_ptr<Connection> make_egress_session(const ServerContext& ctx,
                                                const EgressPolicy& policy, Listener& listener,
                                                ClientSocket client) {
  return std::make_shared<EgressSession>(ctx, policy, listener, std::move(client));
}

}  // namespace cx::broker
