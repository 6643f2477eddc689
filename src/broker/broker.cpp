#include "broker/broker.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <optional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/credential_server.h"
#include "broker/egress_proxy.h"
#include "broker/lifeline.h"
#include "broker/listener.h"
#include "runtime/container_contract.h"

namespace cx::broker {

struct Broker::Impl {
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

  explicit Impl(BrokerConfig c) : config(std::move(c)) {
    egress.allowlist = config.allowlist;
    egress.upstream = config.upstream;
    egress.resolver = config.resolver ? config.resolver : std::make_shared<SystemResolver>();
    credentials.vendor = config.vendor;
    credentials.token = config.token;
    if (config.tcp)
      egress.proxy_authorization = basic_authorization("cx", config.tcp->proxy_secret);
  }

  std::string path(const char* name) const { return config.directory + "/" + name; }
  Status listen_all();
  Status listen_tcp();
  void run();
  void teardown();

  BrokerConfig config;
  EgressPolicy egress;
  CredentialPolicy credentials;
  std::atomic<int> lifelines{0};
  uint16_t proxy_port = 0;
  uint16_t credentials_port = 0;
  bool running = false;
  bool stalled = false;  // stop_within gave up on the io thread
  std::promise<void> finished;  // set when the io thread returns
  std::future<void> finished_future;
  // Destroyed in this order by teardown(): listeners (their sockets belong
  // to the io context), workers, then the context with what it still holds.
  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<asio::thread_pool> workers;
  std::unique_ptr<ServerContext> ctx;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<std::string> bound;  // socket files we created
  std::optional<WorkGuard> guard;
  std::thread thread;
};

Status Broker::Impl::listen_all() {
  struct stat dir {};
  if (::stat(config.directory.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) {
    return make_error("the broker directory " + config.directory + " does not exist",
                      "cx creates it for each session; check that TMPDIR is writable");
  }
  auto add = [&](const char* name, Listener::Factory factory) -> Status {
    auto listener = std::make_unique<Listener>(*ctx, name, std::move(factory));
    const std::string p = path(name);
    if (Status listening = listener->listen(p); !listening) return listening;
    bound.push_back(p);
    listeners.push_back(std::move(listener));
    return Ok{};
  };
  if (config.tcp) return listen_tcp();
  Status st = add(runtime::kProxySocket, [this](Listener& l, ClientSocket s) {
    return make_egress_session(*ctx, egress, l, std::move(s));
  });
  if (st && config.vendor != nullptr) {
    st = add(runtime::kCredentialsSocket, [this](Listener& l, ClientSocket s) {
      return make_credential_session(*ctx, credentials, l, std::move(s));
    });
  }
  if (st) {
    st = add(runtime::kLifelineSocket, [this](Listener& l, ClientSocket s) {
      return make_lifeline_session(l, std::move(s), lifelines);
    });
  }
  return st;
}

Status Broker::Impl::listen_tcp() {
  const TcpListen& tcp = *config.tcp;
  if (tcp.proxy_secret.empty()) return make_error("the broker's TCP listeners need a proxy secret");
  auto add = [&](const char* name, Listener::Factory factory, uint16_t& port) -> Status {
    auto listener = std::make_unique<Listener>(*ctx, name, std::move(factory));
    auto bound_port = listener->listen_tcp(tcp.address, tcp.freebind);
    if (!bound_port) return bound_port.error();
    port = *bound_port;
    listeners.push_back(std::move(listener));
    return Ok{};
  };
  Status st = add(
      "proxy",
      [this](Listener& l, ClientSocket s) {
        return make_egress_session(*ctx, egress, l, std::move(s));
      },
      proxy_port);
  if (st && config.vendor != nullptr) {
    st = add(
        "credentials",
        [this](Listener& l, ClientSocket s) {
          return make_credential_session(*ctx, credentials, l, std::move(s));
        },
        credentials_port);
  }
  return st;
}

void Broker::Impl::run() {
  // The egress proxy's tunnels splice into sockets, and splice(2), unlike
  // send, has no MSG_NOSIGNAL: a peer gone would raise SIGPIPE and end a
  // process that has not ignored it (cx has; a program embedding the broker
  // may not). Blocked on this thread, it is never delivered; the call fails
  // with EPIPE.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
  // A handler that throws (bad_alloc, a bug) unwinds out of run(); asio
  // allows run() to be called again, so the broker reports it and serves on.
  while (true) {
    try {
      io->run();
      return;
    } catch (const std::exception& e) {
      ctx->error(std::string("the broker recovered from an internal error: ") + e.what());
    } catch (...) {
      ctx->error("the broker recovered from an unknown internal error");
    }
  }
}

void Broker::Impl::teardown() {
  listeners.clear();
  if (workers) {
    workers->stop();
    workers->join();
  }
  workers.reset();
  ctx.reset();  // sessions destroyed with the context hold no reference to it
  io.reset();
  for (const std::string& p : bound) ::unlink(p.c_str());
  bound.clear();
}

Broker::Broker(BrokerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

namespace {
// Brokers whose io thread stalled: that thread may still use them, so they
// are kept (reachable, not leaked) until the process ends.
std::mutex g_stalled_mu;
std::vector<std::unique_ptr<Broker::Impl>>* g_stalled = new std::vector<std::unique_ptr<Broker::Impl>>;
}  // namespace

Broker::~Broker() {
  if (impl_->stalled) {
    impl_->thread.detach();
    std::lock_guard<std::mutex> lock(g_stalled_mu);
    g_stalled->push_back(std::move(impl_));
    return;
  }
  stop();
}

Status Broker::start() {
  Impl& m = *impl_;
  if (m.running || m.io) return make_error("the broker is already started");
  m.io = std::make_unique<asio::io_context>(1);
  m.workers = std::make_unique<asio::thread_pool>(4);
  m.ctx = std::make_unique<ServerContext>(
      ServerContext{*m.io, *m.workers, m.config.audit, m.config.limits});
  if (Status st = m.listen_all(); !st) {
    m.teardown();
    return st;
  }
  for (auto& l : m.listeners) l->start();
  m.guard.emplace(m.io->get_executor());
  try {
    m.finished = std::promise<void>();
    m.finished_future = m.finished.get_future();
    m.thread = std::thread([&m] {
      m.run();
      m.finished.set_value();
    });
  } catch (const std::system_error& e) {
    m.guard.reset();
    m.teardown();
    return make_error(std::string("cannot start the broker thread: ") + e.what());
  }
  m.running = true;
  return Ok{};
}

void Broker::stop() { (void)stop_within(std::chrono::milliseconds::max()); }

bool Broker::stop_within(std::chrono::milliseconds limit) {
  Impl& m = *impl_;
  if (m.stalled) return false;
  if (!m.running) return true;
  m.running = false;
  asio::post(*m.io, [&m] {
    for (auto& l : m.listeners) l->shutdown();
  });
  m.guard.reset();
  // Every connection is closed by now or about to be; what is still queued
  // (a resolver's answer) is dropped with the context.
  asio::post(*m.io, [&m] { m.io->stop(); });
  if (limit != std::chrono::milliseconds::max() &&
      m.finished_future.wait_for(limit) != std::future_status::ready) {
    m.stalled = true;
    return false;
  }
  m.thread.join();
  m.teardown();
  return true;
}

uint16_t Broker::proxy_port() const { return impl_->proxy_port; }
uint16_t Broker::credentials_port() const { return impl_->credentials_port; }

int Broker::lifeline_connections() const { return impl_->lifelines.load(); }

std::string Broker::proxy_socket() const { return impl_->path(runtime::kProxySocket); }
std::string Broker::credentials_socket() const { return impl_->path(runtime::kCredentialsSocket); }
std::string Broker::lifeline_socket() const { return impl_->path(runtime::kLifelineSocket); }

}  // namespace cx::broker
