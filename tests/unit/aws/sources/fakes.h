#pragma once
// Test doubles shared by the credential-source tests: a scripted HTTP client,
// a fixed clock, an environment from a map and a temporary directory.

#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "util/env.h"
#include "util/clock.h"
#include "util/http.h"

namespace cx::aws::sources::fakes {

// Answers requests from a queue, in order, and records every request.
class FakeHttp final : public HttpClient {
 public:
  void reply(long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    replies_.emplace_back(std::move(r));
  }
  void fail(std::string message) { replies_.emplace_back(make_error(std::move(message))); }

  Result<HttpResponse> send(const HttpRequest& req) override {
    requests.push_back(req);
    if (replies_.empty()) return make_error("FakeHttp: no reply scripted for " + req.url);
    auto r = std::move(replies_.front());
    replies_.pop_front();
    return r;
  }

  std::string header(size_t i, const std::string& name) const {
    for (const auto& [k, v] : requests.at(i).headers)
      if (k == name) return v;
    return "<absent>";
  }

  std::vector<HttpRequest> requests;

 private:
  std::deque<Result<HttpResponse>> replies_;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(SystemTime t) : t_(t) {}
  SystemTime now() const override { return t_; }
  void set(SystemTime t) { t_ = t; }

 private:
  SystemTime t_;
};

// 2024-05-01T12:00:00Z, the "now" of every source test.
inline SystemTime test_now() { return SystemTime(std::chrono::seconds(1714564800)); }

inline EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

// A fresh directory under TMPDIR, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cx-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Writes `text` to path()/name (creating parent directories) and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::string path_;
};

}  // namespace cx::aws::sources::fakes
