#pragma once
// Real-socket helpers for the broker's server tests: a private temp dir,
// blocking unix/TCP clients with time limits, small TCP servers on loopback
// (echo, HTTP, a fake upstream proxy), a resolver that records lookups and
// an audit sink that can be waited on.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/audit_event.h"
#include "broker/resolver.h"

namespace cx::broker::testing {

using namespace std::chrono_literals;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/cx-broker-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// A connected socket, closed on destruction.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  bool ok() const { return fd >= 0; }
};

inline Fd connect_unix(const std::string& path) {
  Fd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return Fd();
  return s;
}

inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

struct ReadResult {
  std::string data;
  bool eof = false;  // the peer closed (or reset)
};

// Reads until `stop` appears (empty: until EOF), EOF, or `timeout`.
inline ReadResult read_until(int fd, std::string_view stop,
                             std::chrono::milliseconds timeout = 2000ms) {
  ReadResult r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  while (stop.empty() || r.data.find(stop) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.eof = true;
      break;
    }
    r.data.append(buf, static_cast<size_t>(n));
  }
  return r;
}

inline ReadResult read_to_eof(int fd, std::chrono::milliseconds timeout = 2000ms) {
  return read_until(fd, "", timeout);
}

inline ReadResult read_bytes(int fd, size_t count, std::chrono::milliseconds timeout = 2000ms) {
  ReadResult r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<char> buf(65536);
  while (r.data.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf.data(), std::min(buf.size(), count - r.data.size()), 0);
    if (n <= 0) {
      r.eof = true;
      break;
    }
    r.data.append(buf.data(), static_cast<size_t>(n));
  }
  return r;
}

// A TCP server on `ip`:ephemeral port; each connection is handled on its own thread.
class TcpServer {
 public:
  using Handler = std::function<void(int fd)>;
  TcpServer(const char* ip, Handler handler) : handler_(std::move(handler)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip, &sa.sin_addr);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(listen_, 64);
    socklen_t len = sizeof sa;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        const int c = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        ++accepted;
        std::lock_guard<std::mutex> lock(mu_);
        workers_.emplace_back([this, c] {
          handler_(c);
          ::close(c);
        });
      }
    });
  }
  ~TcpServer() {
    ::shutdown(listen_, SHUT_RDWR);
    thread_.join();
    ::close(listen_);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& w : workers_) w.join();
  }
  uint16_t port() const { return port_; }
  std::atomic<int> accepted{0};

 private:
  Handler handler_;
  int listen_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

// Echoes until the client half-closes, then half-closes too.
inline void echo(int fd) {
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    if (!send_all(fd, std::string_view(buf, static_cast<size_t>(n)))) break;
  }
  ::shutdown(fd, SHUT_WR);
}

// A port on `ip` where nothing listens (bound, then released).
inline uint16_t free_port(const char* ip) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, ip, &sa.sin_addr);
  ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(s);
  return ntohs(sa.sin_port);
}

class FakeResolver : public Resolver {
 public:
  Result<std::vector<IpAddress>> resolve(const std::string& name) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      lookups.push_back(name);
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::lock_guard<std::mutex> lock(mu);
    auto it = answers.find(name);
    if (it == answers.end()) return make_error("cannot resolve " + name + ": unknown name");
    std::vector<IpAddress> out;
    for (const std::string& a : it->second) out.push_back(*IpAddress::parse(a));
    return out;
  }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu);
    return lookups;
  }

  std::mutex mu;
  std::map<std::string, std::vector<std::string>> answers;
  std::vector<std::string> lookups;
  std::chrono::milliseconds delay{0};
};

class AuditLog {
 public:
  std::function<void(const AuditEvent&)> sink() {
    return [this](const AuditEvent& e) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    };
  }
  // Waits until `n` events arrived; returns them (fewer on timeout).
  std::vector<AuditEvent> wait_for(size_t n, std::chrono::milliseconds timeout = 2000ms) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AuditEvent> events_;
};

}  // namespace cx::broker::testing
