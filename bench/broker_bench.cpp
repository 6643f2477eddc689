// The broker's cost against doing without it: bulk throughput through a
// CONNECT tunnel to a local sink, the round trip of a small message in an
// open tunnel, setting a tunnel up, a whole short connection (CONNECT, one
// round trip, close), and one answer of the credential endpoint. The direct
// variants use TCP on loopback, the proxied ones the unix socket the
// container's relay uses, with the broker's defaults (the tunnel copies);
// `Splice` variants turn BrokerLimits::splice on, so one binary compares them.
//
// For scripts (bench/run turns these into table rows), run
//   cx_broker_bench --benchmark_format=json --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
// and read, from each entry whose "aggregate_name" is "median", by the name
// up to its first '/' (Google Benchmark appends "/iterations:N/real_time";
// these names and counters stay as they are):
//   BM_ThroughputDirect, BM_ThroughputProxied, BM_ThroughputProxiedSplice
//       "bytes_per_second": 1 GiB per iteration, sent and acknowledged
//   BM_RoundTripDirect, BM_RoundTripProxied, BM_RoundTripProxiedSplice
//       64 B out and back in an open connection: "p50_us", "p99_us"
//   BM_ConnectDirect (TCP connect), BM_ConnectProxied (connect to
//   proxy.sock, send CONNECT, read the 200): "p50_us", "p99_us"
//   BM_CredentialEndpoint (connect to creds.sock, GET with the token, read
//   the JSON answer to EOF): "p50_us", "p99_us"
//   BM_ConnectionDirect, BM_ConnectionProxied (connect or CONNECT, one round
//   trip, close): "real_time" in "time_unit"
// The percentiles are over the iterations of one repetition, in
// microseconds; "real_time" is their mean.

#include <benchmark/benchmark.h>
#include <netinet/tcp.h>

#include <algorithm>

#include "broker/broker.h"
#include "broker/credential_vendor.h"
#include "broker/ecs_credentials.h"
#include "broker_test_support.h"

namespace cx::broker {
namespace {

using namespace testing;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kChunk = 1 << 20;
constexpr uint64_t kThroughputBytes = 1ull << 30;

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

// The time of each iteration, for the percentiles Google Benchmark does not
// report itself.
class Samples {
 public:
  explicit Samples(benchmark::State& state) : state_(state) {}
  ~Samples() {
    if (us_.empty()) return;
    std::sort(us_.begin(), us_.end());
    state_.counters["p50_us"] = at(0.50);
    state_.counters["p99_us"] = at(0.99);
  }
  void start() { start_ = SteadyClock::now(); }
  void stop() {
    us_.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - start_).count());
  }

 private:
  double at(double q) const {
    return us_[std::min(us_.size() - 1, static_cast<size_t>(q * static_cast<double>(us_.size())))];
  }
  benchmark::State& state_;
  std::vector<double> us_;
  SteadyClock::time_point start_;
};

struct Setup {
  TcpServer server;
  TempDir dir;
  std::unique_ptr<Broker> broker;
  std::string target;

  explicit Setup(TcpServer::Handler handler, bool splice = false)
      : server("127.0.0.2", std::move(handler)) {
    target = "127.0.0.2:" + std::to_string(server.port());
    BrokerConfig config;
    config.directory = dir.path;
    config.allowlist = Allowlist({*parse_allow_entry(target)});
    config.limits.splice = splice;
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

enum class Path { direct, proxied, spliced };

void throughput(benchmark::State& state, Path path) {
  Setup s(sink, path == Path::spliced);
  Fd c = path == Path::direct ? s.direct() : s.tunnel();
  const std::string chunk(kChunk, 'x');
  for (auto _ : state) {
    for (uint64_t sent = 0; sent < kThroughputBytes; sent += kChunk) send_all(c.fd, chunk);
    if (read_bytes(c.fd, kThroughputBytes / (kChunk * 64), std::chrono::seconds(60)).eof)
      std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kThroughputBytes));
}

void BM_ThroughputDirect(benchmark::State& state) { throughput(state, Path::direct); }
void BM_ThroughputProxied(benchmark::State& state) { throughput(state, Path::proxied); }
void BM_ThroughputProxiedSplice(benchmark::State& state) { throughput(state, Path::spliced); }
BENCHMARK(BM_ThroughputDirect)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThroughputProxied)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThroughputProxiedSplice)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

void round_trip(benchmark::State& state, Path path) {
  Setup s(echo, path == Path::spliced);
  Fd c = path == Path::direct ? s.direct() : s.tunnel();
  const std::string msg(64, 'm');
  Samples samples(state);
  for (auto _ : state) {
    samples.start();
    send_all(c.fd, msg);
    if (read_bytes(c.fd, msg.size()).data.size() != msg.size()) std::abort();
    samples.stop();
  }
}

void BM_RoundTripDirect(benchmark::State& state) { round_trip(state, Path::direct); }
void BM_RoundTripProxied(benchmark::State& state) { round_trip(state, Path::proxied); }
void BM_RoundTripProxiedSplice(benchmark::State& state) { round_trip(state, Path::spliced); }
BENCHMARK(BM_RoundTripDirect)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoundTripProxied)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoundTripProxiedSplice)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Until the connection can carry bytes: connect() returned, or the proxy's
// 200 arrived (which it sends once its own connection to the target is up).
// The percentiles leave out the close; "real_time" includes it and the wait
// for the server's accept.
void connect_only(benchmark::State& state, Path path) {
  Setup s(echo);
  Samples samples(state);
  int made = 0;
  for (auto _ : state) {
    samples.start();
    Fd c = path == Path::direct ? s.direct() : s.tunnel();
    samples.stop();
    // Untimed: until the server has accepted it. connect() does not wait for
    // that, and a full backlog drops the next SYN, which costs a 1 s retry.
    ++made;
    while (s.server.accepted.load() < made) std::this_thread::yield();
  }
}

void BM_ConnectDirect(benchmark::State& state) { connect_only(state, Path::direct); }
void BM_ConnectProxied(benchmark::State& state) { connect_only(state, Path::proxied); }
BENCHMARK(BM_ConnectDirect)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConnectProxied)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);

void short_connection(benchmark::State& state, Path path) {
  Setup s(echo);
  const std::string msg(64, 'm');
  for (auto _ : state) {
    Fd c = path == Path::direct ? s.direct() : s.tunnel();
    send_all(c.fd, msg);
    if (read_bytes(c.fd, msg.size()).data.size() != msg.size()) std::abort();
  }
}

void BM_ConnectionDirect(benchmark::State& state) { short_connection(state, Path::direct); }
void BM_ConnectionProxied(benchmark::State& state) { short_connection(state, Path::proxied); }
BENCHMARK(BM_ConnectionDirect)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConnectionProxied)->Iterations(2000)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The credentials an SDK in the container asks for: a vendor that is not
// renewing answers from what it holds, so this is the endpoint's own cost
// (parse, token check, the hop to a worker and back, the JSON).
void BM_CredentialEndpoint(benchmark::State& state) {
  const std::string token = "0123456789abcdef0123456789abcdef";
  aws::Credentials creds;
  creds.access_key_id = "ASIAEXAMPLE";
  creds.secret_access_key = "wJalrXUtnFEMI/secret";
  creds.session_token = std::string(800, 't');  // STS session tokens are long
  creds.expiration = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() + std::chrono::hours(1));
  SystemClock clock;
  CredentialVendor vendor([] { return Result<aws::Credentials>(make_error("not renewing")); },
                          creds, clock, VendorOptions{});
  vendor.stop();
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  config.vendor = &vendor;
  config.token = token;
  Broker broker(std::move(config));
  if (!broker.start().ok()) std::abort();
  const std::string request = "GET " + std::string(kCredentialsPath) +
                              " HTTP/1.1\r\nHost: 127.0.0.1:9911\r\nAuthorization: " + token +
                              "\r\n\r\n";
  Samples samples(state);
  for (auto _ : state) {
    samples.start();
    Fd c = connect_unix(broker.credentials_socket());
    send_all(c.fd, request);
    const ReadResult r = read_to_eof(c.fd);
    samples.stop();
    if (!r.data.starts_with("HTTP/1.1 200") || r.data.find("\"AccessKeyId\"") == std::string::npos)
      std::abort();
  }
}
BENCHMARK(BM_CredentialEndpoint)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cx::broker

BENCHMARK_MAIN();
