#pragma once
// FakeHttpClient: records every request and answers from a queue of canned
// responses or transport errors (the last one repeats).

#include <deque>
#include <string>
#include <vector>

#include "util/http.h"

namespace cx::testing {

class FakeHttpClient : public HttpClient {
 public:
  void respond(long status, std::string body,
               std::map<std::string, std::string> headers = {{"content-type", "text/xml"}}) {
    answers_.push_back(HttpResponse{status, std::move(headers), std::move(body)});
  }
  void fail(std::string message) { answers_.push_back(make_error(std::move(message))); }

  Result<HttpResponse> send(const HttpRequest& req) override {
    requests.push_back(req);
    if (answers_.empty()) return make_error("FakeHttpClient: no answer queued");
    Result<HttpResponse> next = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return next;
  }

  std::vector<HttpRequest> requests;

 private:
  std::deque<Result<HttpResponse>> answers_;
};

}  // namespace cx::testing
