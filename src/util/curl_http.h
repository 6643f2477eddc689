#pragma once
// CurlHttpClient: the real HttpClient, on libcurl. TLS peers are verified;
// the proxy variables libcurl knows (https_proxy, HTTPS_PROXY, http_proxy,
// ALL_PROXY, NO_PROXY) are honoured; libcurl never writes to stderr.

#include <chrono>
#include <cstddef>
#include <string>

#include "util/http.h"
#include "util/result.h"

namespace cx {

struct CurlHttpOptions {
  std::string ca_bundle;  // PEM file to trust instead of the system store; empty = system
  std::chrono::milliseconds connect_timeout{5000};  // capped by each request's timeout
  std::size_t max_response_bytes = 16 * 1024 * 1024;
};

class CurlHttpClient final : public HttpClient {
 public:
  // Initialises libcurl once per process (thread-safe) on first construction.
  explicit CurlHttpClient(CurlHttpOptions options = {});

  // Sends `req` on a fresh handle, so one client may be shared by threads.
  Result<HttpResponse> send(const HttpRequest& req) override;

 private:
  CurlHttpOptions options_;
};

// Opens a TCP connection to host:port and closes it again, through the proxy
// the environment names (as a CONNECT tunnel, as cx's egress proxy goes
// upstream): whether a session could reach that host at all. `host` is a
// name or an address (IPv6 without brackets).
Status check_reachable(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace cx
