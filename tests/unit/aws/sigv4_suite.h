#pragma once
// Reader for the public SigV4 test suite's `.req` / `.sreq` files: a request
// line, `Name:value` header lines (a line starting with blanks continues the
// previous header: the suite treats it as another value of that header),
// then an optional blank line and the body.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cx::aws::testing {

struct SuiteRequest {
  std::string method;
  std::string path;   // raw, as in the request line
  std::string query;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline SuiteRequest parse_suite_request(const std::string& text) {
  SuiteRequest r;
  size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos > text.size()) return false;
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    line = text.substr(pos, nl - pos);
    pos = nl + 1;
    return true;
  };
  std::string line;
  next_line(line);
  // The target may contain spaces (get-space), so cut at the first and last.
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  r.method = line.substr(0, first);
  std::string target = line.substr(first + 1, last - first - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (next_line(line)) {
    if (line.empty()) {
      r.body = pos <= text.size() ? text.substr(pos) : "";
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.emplace_back(r.headers.back().first, line);
      continue;
    }
    size_t colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return r;
}

}  // namespace cx::aws::testing
