#include "util/curl_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "util/url.h"

namespace cx {

namespace {

struct Transfer {
  HttpResponse response;
  std::size_t max_bytes = 0;
  bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  if (t->response.body.size() + len > t->max_bytes) {
    t->too_big = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, len);
  return len;
}

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  // A new status line (after a 100 Continue, or through a proxy's CONNECT)
  // starts a new header block: keep only the final response's headers.
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = trim(line.substr(colon + 1));
  auto [it, inserted] = t->response.headers.try_emplace(name, value);
  if (!inserted) it->second += ", " + value;
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Shows scheme://host/path only: a query may carry something private.
std::string display_url(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed ? parsed->without_query() : url.substr(0, url.find('?'));
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpOptions options) : options_(std::move(options)) {
  global_init();
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& req) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error("cannot start an HTTP request: libcurl failed to initialise");
  CURL* h = curl.get();

  Transfer transfer;
  transfer.max_bytes = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  long total_ms = static_cast<long>(req.timeout.count());
  long connect_ms = std::min(total_ms, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method == "POST" || !req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    }
  }

  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  auto add_header = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next) {
      headers.release();
      headers.reset(next);
    }
  };
  for (const auto& [name, value] : req.headers) {
    // "Name;" is libcurl's spelling of a header with an empty value.
    add_header(value.empty() ? name + ";" : name + ": " + value);
  }
  // A signed request must go out as signed: no 100-continue round trip.
  add_header("Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string where = display_url(req.url);
    if (transfer.too_big) {
      return make_error("the answer from " + where + " is larger than " +
                        std::to_string(options_.max_response_bytes) + " bytes");
    }
    std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    std::string hint;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
        rc == CURLE_SSL_CERTPROBLEM) {
      hint = "if a corporate proxy inspects TLS, point CX_EXTRA_CA_CERTS at its CA bundle";
    } else if (rc == CURLE_COULDNT_RESOLVE_PROXY) {
      hint = "check the HTTPS_PROXY / https_proxy environment variable";
    }
    return make_error("cannot reach " + where + ": " + detail, hint);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

Status check_reachable(const std::string& host, int port, std::chrono::milliseconds timeout) {
  global_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error("cannot start a connection: libcurl failed to initialise");
  CURL* h = curl.get();
  const bool v6 = host.find(':') != std::string::npos;
  const std::string authority = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const std::string url = "http://" + authority + "/";
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    return make_error("cannot reach " + authority + ": " +
                      (error_buffer[0] ? std::string(error_buffer) : curl_easy_strerror(rc)));
  }
  return Ok{};
}

}  // namespace cx
