#include "broker/http_head.h"

#include <algorithm>
#include <array>

namespace cx::broker {
namespace {

constexpr uint64_t kMaxContentLength = uint64_t{1} << 53;

bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(c); });
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a comma-separated header list into trimmed elements, empty ones kept.
std::vector<std::string_view> split_list(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t comma = s.find(',');
    out.push_back(trim_ows(s.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

// The request-target of a (possibly partial or malformed) request line:
// the text between the first and second space, or the whole line when it
// has no space; without the line ending, bounded.
std::string target_of(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (const size_t sp = line.find(' '); sp != std::string_view::npos) {
    line.remove_prefix(sp + 1);
    line = line.substr(0, line.find(' '));
  }
  return std::string(line.substr(0, HeadParser::kMaxAttempted));
}

bool is_hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 9> names = {"connection",
                                                            "proxy-connection",
                                                            "keep-alive",
                                                            "proxy-authorization",
                                                            "proxy-authenticate",
                                                            "te",
                                                            "trailer",
                                                            "upgrade",
                                                            "host"};
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

bool is_framing(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding");
}

}  // namespace

const std::string* RequestHead::header(std::string_view name) const {
  for (const HeaderField& f : headers) {
    if (iequals(f.name, name)) return &f.value;
  }
  return nullptr;
}

HeadParser::HeadParser(ParseMode mode, HeadLimits limits) : mode_(mode), limits_(limits) {}

void HeadParser::fail(int status, std::string reason) {
  state_ = State::failed;
  error_ = HeadError{status, std::move(reason)};
  if (!seen_request_line_ && raw_target_.empty()) raw_target_ = target_of(line_);
  line_.clear();
}

void HeadParser::salvage_host(std::string_view unread) {
  while (!unread.empty()) {
    const size_t lf = unread.find('\n');
    if (lf == std::string_view::npos) return;
    std::string_view line = unread.substr(0, lf);
    unread.remove_prefix(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;  // the end of the head
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), "host")) {
      salvaged_host_ = std::string(trim_ows(line.substr(colon + 1)).substr(0, kMaxAttempted));
      return;
    }
  }
}

std::string HeadParser::attempted_target() const {
  std::string target =
      seen_request_line_ || state_ == State::failed ? raw_target_ : target_of(line_);
  if (!target.empty() && target.front() != '/' && target != "*") return target;
  const std::string* header = head_.header("host");
  const std::string& host = header != nullptr ? *header : salvaged_host_;
  if (host.empty()) return target;
  if (target.empty() || target == "*") return host.substr(0, kMaxAttempted);
  return (host + target).substr(0, kMaxAttempted);
}

size_t HeadParser::feed(std::string_view bytes) {
  size_t used = 0;
  while (state_ == State::incomplete && used < bytes.size()) {
    const std::string_view rest = bytes.substr(used);
    const size_t lf = rest.find('\n');
    const size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
    // Limits are checked as bytes arrive, not at the end of a line, so a
    // client cannot make the parser buffer an endless line.
    if (!seen_request_line_ && line_.size() + take > limits_.request_line + 2) {
      // The audit log shows the start of the line, up to the limit.
      line_.append(rest.substr(0, limits_.request_line + 2 - line_.size()));
      fail(414, "request line longer than " + std::to_string(limits_.request_line) + " bytes");
      return used + take;
    }
    if (total_ + take > limits_.head) {
      fail(431, "request head larger than " + std::to_string(limits_.head) + " bytes");
      return used + take;
    }
    line_.append(rest.substr(0, take));
    total_ += take;
    used += take;
    if (lf != std::string_view::npos) line_done();
  }
  // A refused request line may still be followed by the Host header that
  // says where the client meant to go: the audit log shows it.
  if (state_ == State::failed && head_.header("host") == nullptr && salvaged_host_.empty()) {
    salvage_host(bytes.substr(used));
  }
  return used;
}

void HeadParser::line_done() {
  // line_ ends in '\n'. Only CRLF ends a line: a bare LF or a stray CR is
  // read differently by different servers, the root of request smuggling.
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r')
    return fail(400, "line ends in a bare LF");
  if (!seen_request_line_) raw_target_ = target_of(line_);
  std::string line = std::move(line_);
  line_.clear();
  line.resize(line.size() - 2);
  if (line.find('\r') != std::string::npos) return fail(400, "bare CR in the request head");
  if (!seen_request_line_) {
    if (line.empty()) return;  // RFC 9112 2.2: empty lines before the request line are ignored
    if (line.size() > limits_.request_line) {
      return fail(414,
                  "request line longer than " + std::to_string(limits_.request_line) + " bytes");
    }
    seen_request_line_ = true;
    return request_line(line);
  }
  if (line.empty()) return finish();
  header_line(line);
}

void HeadParser::request_line(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "malformed method");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(400, "unsupported HTTP version");
  if (target.empty()) return fail(400, "empty request target");
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f)
      return fail(400, "request target has a byte that is not visible ASCII");
  }
  head_.method = std::string(method);
  head_.version = std::string(version);

  if (mode_ == ParseMode::origin) {
    if (target.front() != '/') return fail(400, "request target is not a path");
    if (target.find('#') != std::string_view::npos)
      return fail(400, "request target has a fragment");
    head_.form = TargetForm::origin;
    head_.path = std::string(target);
    return;
  }
  if (method == "CONNECT") {
    auto hp = parse_authority(target);
    if (!hp) return fail(400, "CONNECT target: " + hp.error().message);
    head_.form = TargetForm::authority;
    head_.target = std::move(*hp);
    return;
  }
  constexpr std::string_view http = "http://";
  if (target.front() == '/') return fail(400, "origin-form request sent to a proxy");
  if (target.size() < http.size() || !iequals(target.substr(0, http.size()), http)) {
    if (target.size() >= 8 && iequals(target.substr(0, 8), "https://")) {
      return fail(400, "absolute-form https request; use CONNECT");
    }
    return fail(400, "request target is not an http:// URL");
  }
  if (target.find('#') != std::string_view::npos) return fail(400, "request target has a fragment");
  std::string_view rest = target.substr(http.size());
  const size_t end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, end);
  if (authority.empty()) return fail(400, "URL has no host");
  auto hp = parse_authority(authority, 80);
  if (!hp) return fail(400, "URL host: " + hp.error().message);
  head_.form = TargetForm::absolute;
  head_.target = std::move(*hp);
  const std::string_view path = end == std::string_view::npos ? "" : rest.substr(end);
  head_.path = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
}

void HeadParser::header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete header line folding");
  if (head_.headers.size() >= limits_.headers) {
    return fail(431, "more than " + std::to_string(limits_.headers) + " header fields");
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "header line without `:`");
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return fail(400, "malformed header name");
  const std::string_view value = trim_ows(line.substr(colon + 1));
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail(400, "control character in a header value");
  }
  head_.headers.push_back(HeaderField{std::string(name), std::string(value)});
}

void HeadParser::finish() {
  size_t hosts = 0;
  std::vector<std::string_view> codings;
  bool has_te = false;
  for (const HeaderField& f : head_.headers) {
    if (iequals(f.name, "content-length")) {
      if (head_.content_length) return fail(400, "duplicate Content-Length");
      const std::string& v = f.value;
      if (v.empty() || v.size() > 16 ||
          !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return fail(400, "malformed Content-Length");
      }
      const uint64_t n = std::stoull(v);
      if (n > kMaxContentLength) return fail(400, "Content-Length too large");
      head_.content_length = n;
    } else if (iequals(f.name, "transfer-encoding")) {
      has_te = true;
      for (std::string_view c : split_list(f.value)) codings.push_back(c);
    } else if (iequals(f.name, "host")) {
      ++hosts;
    }
  }
  if (has_te) {
    if (head_.content_length) return fail(400, "Transfer-Encoding together with Content-Length");
    if (head_.version == "HTTP/1.0") return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (head_.form == TargetForm::authority)
      return fail(400, "Transfer-Encoding in a CONNECT request");
    for (size_t i = 0; i < codings.size(); ++i) {
      const std::string_view c = codings[i];
      // A coding may carry parameters; chunked may not, and must be last.
      const std::string_view name = trim_ows(c.substr(0, c.find(';')));
      if (!is_token(name)) return fail(400, "malformed Transfer-Encoding");
      const bool chunked = iequals(name, "chunked") && name.size() == c.size();
      if (iequals(name, "chunked") && !chunked) return fail(400, "malformed Transfer-Encoding");
      if (chunked != (i + 1 == codings.size())) {
        return fail(400, "Transfer-Encoding does not end with a single chunked");
      }
    }
    head_.chunked = true;
  }
  if (head_.form == TargetForm::authority && head_.content_length.value_or(0) != 0) {
    return fail(400, "Content-Length in a CONNECT request");
  }
  if (hosts > 1) return fail(400, "more than one Host header");
  if (head_.form == TargetForm::absolute && hosts == 1) {
    auto hp = parse_authority(*head_.header("host"), 80);
    if (!hp) return fail(400, "malformed Host header");
    if (!(*hp == head_.target)) return fail(400, "Host header does not match the URL");
  }
  state_ = State::complete;
}

std::string printable_bytes(std::string_view raw, size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw.substr(0, max)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (raw.size() > max) out += "...";
  return out;
}

std::string origin_form_head(const RequestHead& head) {
  std::vector<std::string> named;
  for (const HeaderField& f : head.headers) {
    if (iequals(f.name, "connection") || iequals(f.name, "proxy-connection")) {
      for (std::string_view t : split_list(f.value)) {
        if (!t.empty()) named.push_back(to_lower(t));
      }
    }
  }
  std::string out = head.method + " " + head.path + " " + head.version + "\r\n";
  out += "Host: " + host_text(head.target.host);
  if (head.target.port != 80) out += ":" + std::to_string(head.target.port);
  out += "\r\n";
  for (const HeaderField& f : head.headers) {
    if (is_hop_by_hop(f.name)) continue;
    // The body is relayed byte for byte, so its framing headers must reach
    // the server even when Connection names them.
    const std::string lname = to_lower(f.name);
    if (!is_framing(f.name) && std::find(named.begin(), named.end(), lname) != named.end())
      continue;
    out += f.name + ": " + f.value + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  return out;
}

}  // namespace cx::broker
