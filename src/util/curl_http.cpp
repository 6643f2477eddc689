#include "util/curl_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "util/dynamic_library.h"
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

// libcurl is loaded the first time cx makes a request (util/dynamic_library.h):
// with its dependencies (TLS, Kerberos, LDAP, SASL, SSH, ...) it was most of
// what the dynamic loader did for every `cx`, and most runs make no request
// (a warm credential cache, `cx version`, `cx ps`). The functions cx uses.
struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The loaded API, or the reason it could not be loaded; once per process.
const Result<CurlApi>& curl_api() {
  static const Result<CurlApi> api = []() -> Result<CurlApi> {
    auto opened = open_library({"libcurl.so.4", "libcurl.4.dylib", "libcurl.so"},
                               "libcurl, which cx needs for HTTP",
                               "install it (Debian and Ubuntu: apt-get install libcurl4)");
    if (!opened) return opened.error();
    void* lib = *opened;
    CurlApi a{};
    if (!bind_symbol(lib, "curl_global_init", a.global_init) || !bind_symbol(lib, "curl_easy_init", a.easy_init) ||
        !bind_symbol(lib, "curl_easy_cleanup", a.easy_cleanup) ||
        !bind_symbol(lib, "curl_easy_setopt", a.easy_setopt) ||
        !bind_symbol(lib, "curl_easy_perform", a.easy_perform) ||
        !bind_symbol(lib, "curl_easy_getinfo", a.easy_getinfo) ||
        !bind_symbol(lib, "curl_easy_strerror", a.easy_strerror) ||
        !bind_symbol(lib, "curl_slist_append", a.slist_append) ||
        !bind_symbol(lib, "curl_slist_free_all", a.slist_free_all))
      return make_error(std::string("the libcurl found lacks a function cx needs: ") + ::dlerror(),
                        "install libcurl 7.85 or newer");
    // Thread-safe since it runs once, here, before any handle exists.
    if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      return make_error("libcurl failed to initialise");
    return a;
  }();
  return api;
}

// Shows scheme://host/path only: a query may carry something private.
std::string display_url(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed ? parsed->without_query() : url.substr(0, url.find('?'));
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpOptions options) : options_(std::move(options)) {}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& req) {
  const Result<CurlApi>& loaded = curl_api();
  if (!loaded) return loaded.error();
  const CurlApi& c = *loaded;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(c.easy_init(), c.easy_cleanup);
  if (!curl) return make_error("cannot start an HTTP request: libcurl failed to initialise");
  CURL* h = curl.get();

  Transfer transfer;
  transfer.max_bytes = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};

  c.easy_setopt(h, CURLOPT_URL, req.url.c_str());
  c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  c.easy_setopt(h, CURLOPT_VERBOSE, 0L);
  c.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  c.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  c.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty()) c.easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  long total_ms = static_cast<long>(req.timeout.count());
  long connect_ms = std::min(total_ms, static_cast<long>(options_.connect_timeout.count()));
  c.easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  c.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  c.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  c.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  c.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

  if (req.method == "GET") {
    c.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    c.easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method != "POST") c.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method == "POST" || !req.body.empty()) {
      c.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      c.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    }
  }

  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, c.slist_free_all);
  auto add_header = [&](const std::string& line) {
    curl_slist* next = c.slist_append(headers.get(), line.c_str());
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
  c.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = c.easy_perform(h);
  if (rc != CURLE_OK) {
    std::string where = display_url(req.url);
    if (transfer.too_big) {
      return make_error("the answer from " + where + " is larger than " +
                        std::to_string(options_.max_response_bytes) + " bytes");
    }
    std::string detail = error_buffer[0] ? error_buffer : c.easy_strerror(rc);
    std::string hint;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
        rc == CURLE_SSL_CERTPROBLEM) {
      hint = "if a corporate proxy inspects TLS, point CX_EXTRA_CA_CERTS at its CA bundle";
    } else if (rc == CURLE_COULDNT_RESOLVE_PROXY) {
      hint = "check the HTTPS_PROXY / https_proxy environment variable";
    }
    return make_error("cannot reach " + where + ": " + detail, hint);
  }
  c.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

Status check_reachable(const std::string& host, int port, std::chrono::milliseconds timeout) {
  const Result<CurlApi>& loaded = curl_api();
  if (!loaded) return loaded.error();
  const CurlApi& c = *loaded;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(c.easy_init(), c.easy_cleanup);
  if (!curl) return make_error("cannot start a connection: libcurl failed to initialise");
  CURL* h = curl.get();
  const bool v6 = host.find(':') != std::string::npos;
  const std::string authority = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const std::string url = "http://" + authority + "/";
  char error_buffer[CURL_ERROR_SIZE] = {};
  c.easy_setopt(h, CURLOPT_URL, url.c_str());
  c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  c.easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  c.easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
  c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  c.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  const CURLcode rc = c.easy_perform(h);
  if (rc != CURLE_OK) {
    return make_error("cannot reach " + authority + ": " +
                      (error_buffer[0] ? std::string(error_buffer) : c.easy_strerror(rc)));
  }
  return Ok{};
}

}  // namespace cx
