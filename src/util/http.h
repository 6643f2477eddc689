#pragma once
// HttpClient: the one door to HTTP(S). The real one is libcurl
// (util/curl_http.cpp); unit tests use a fake that records requests.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace cx {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `req`. A transport failure (DNS, connect, TLS, timeout) is an
  // Error; any HTTP status, 4xx and 5xx included, is a response.
  virtual Result<HttpResponse> send(const HttpRequest& req) = 0;
};

}  // namespace cx
