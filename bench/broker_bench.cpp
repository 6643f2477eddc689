// The egress proxy's cost against a direct connection: bulk throughput
// through a CONNECT tunnel to a local sink, the round trip of a small
// message in an open tunnel, and a whole short connection (CONNECT, one
// round trip, close). The direct variants use TCP on loopback, the proxied
// ones the unix socket the container's relay uses.

#include <benchmark/benchmark.h>
#include <netinet/tcp.h>

#include "broker/broker.h"
#include "broker_test_support.h"

namespace cx::broker {
namespace {

using namespace testing;

constexpr size_t kChunk = 1 << 20;

// Reads everything; after each `ack_every` bytes answers one byte, so the
// sender knows the bytes have arrived, not just left.
void sink(int fd) {
  std::vector<char> buf(1 << 16);
  uint64_t got = 0;
  const uint64_t ack_every = kChunk * 64;
  while (true) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) return;
    const uint64_t before = got / ack_every;
    got += static_cast<uint64_t>(n);
    for (uint64_t i = before; i < got / ack_every; ++i) send_all(fd, "k");
  }
}

struct Setup {
  TcpServer server;
  TempDir dir;
  std::unique_ptr<Broker> broker;
  std::string target;

  explicit Setup(TcpServer::Handler handler) : server("127.0.0.2", std::move(handler)) {
    target = "127.0.0.2:" + std::to_string(server.port());
    BrokerConfig config;
    config.directory = dir.path;
    config.allowlist = Allowlist({*parse_allow_entry(target)});
    broker = std::make_unique<Broker>(std::move(config));
    if (!broker->start().ok()) std::abort();
  }

  Fd direct() {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(server.port());
    ::inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
    if (::connect(s.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) std::abort();
    int one = 1;
    ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
  }

  Fd tunnel() {
    Fd c = connect_unix(broker->proxy_socket());
    send_all(c.fd, "CONNECT " + target + " HTTP/1.1\r\n\r\n");
    if (!read_until(c.fd, "\r\n\r\n").data.starts_with("HTTP/1.1 200")) std::abort();
    return c;
  }
};

void throughput(benchmark::State& state, bool proxied) {
  Setup s(sink);
  Fd c = proxied ? s.tunnel() : s.direct();
  const std::string chunk(kChunk, 'x');
  const uint64_t bytes = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    for (uint64_t sent = 0; sent < bytes; sent += kChunk) send_all(c.fd, chunk);
    if (read_bytes(c.fd, bytes / (kChunk * 64), std::chrono::seconds(60)).eof) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_ThroughputDirect(benchmark::State& state) { throughput(state, false); }
void BM_ThroughputProxied(benchmark::State& state) { throughput(state, true); }
BENCHMARK(BM_ThroughputDirect)
    ->Arg(1 << 30)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThroughputProxied)
    ->Arg(1 << 30)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void round_trip(benchmark::State& state, bool proxied) {
  Setup s(echo);
  Fd c = proxied ? s.tunnel() : s.direct();
  const std::string msg(64, 'm');
  for (auto _ : state) {
    send_all(c.fd, msg);
    if (read_bytes(c.fd, msg.size()).data.size() != msg.size()) std::abort();
  }
}

void BM_RoundTripDirect(benchmark::State& state) { round_trip(state, false); }
void BM_RoundTripProxied(benchmark::State& state) { round_trip(state, true); }
BENCHMARK(BM_RoundTripDirect)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoundTripProxied)->UseRealTime()->Unit(benchmark::kMicrosecond);

void short_connection(benchmark::State& state, bool proxied) {
  Setup s(echo);
  const std::string msg(64, 'm');
  for (auto _ : state) {
    Fd c = proxied ? s.tunnel() : s.direct();
    send_all(c.fd, msg);
    if (read_bytes(c.fd, msg.size()).data.size() != msg.size()) std::abort();
  }
}

void BM_ConnectionDirect(benchmark::State& state) { short_connection(state, false); }
void BM_ConnectionProxied(benchmark::State& state) { short_connection(state, true); }
BENCHMARK(BM_ConnectionDirect)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConnectionProxied)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cx::broker

BENCHMARK_MAIN();
