#pragma once
// An incremental parser for the request head a client sends to the egress
// proxy (CONNECT authority-form, or absolute-form plain HTTP) or to the
// credential endpoint (origin-form). It is strict where leniency lets a
// request mean two things to two parsers (framing headers, line endings,
// obs-fold), and bounded in size; time is bounded by the caller (the broker
// arms one timer for the whole head when it accepts a connection).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/host.h"

namespace cx::broker {

// proxy: CONNECT host:port or METHOD http://host[:port]/path; origin-form is
// refused. origin: METHOD /path only (a server such as the credential endpoint).
enum class ParseMode { proxy, origin };

enum class TargetForm { authority, absolute, origin };

struct HeadLimits {
  size_t request_line = 8 * 1024;  // longer: 414
  size_t head = 32 * 1024;         // request line + headers + CRLFs; longer: 431
  size_t headers = 100;            // more header fields: 431
};

struct HeaderField {
  std::string name;   // as sent
  std::string value;  // without surrounding spaces and tabs
};

struct RequestHead {
  std::string method;
  TargetForm form = TargetForm::origin;
  HostPort target;      // authority and absolute forms (port 80 when the URL has none)
  std::string path;     // absolute and origin forms: path and `?query`, at least "/"
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  std::vector<HeaderField> headers;
  std::optional<uint64_t> content_length;
  bool chunked = false;  // Transfer-Encoding ends in chunked

  // Returns the value of the first header named `name` (any case), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct HeadError {
  int status = 400;    // 400, 414 or 431
  std::string reason;  // short, never repeats request bytes
};

class HeadParser {
 public:
  enum class State { incomplete, complete, failed };

  explicit HeadParser(ParseMode mode = ParseMode::proxy, HeadLimits limits = {});

  // Consumes bytes of the head, in chunks of any size; returns how many it
  // took. It stops after the blank line that ends the head, so the bytes
  // left over are the start of the body (or of the tunnel).
  size_t feed(std::string_view bytes);

  State state() const { return state_; }
  // The parsed head; only when state() is complete.
  const RequestHead& head() const { return head_; }
  // Why the head was refused; only when state() is failed.
  const HeadError& error() const { return error_; }

  // What the client named as its target, for the audit log of a head that
  // failed or never completed: the raw request-target (the part read so
  // far; the whole request line when it has no target), or, for an
  // origin-form or `*` target, the Host header's value followed by the
  // path, when a Host header was read (or arrived with the failing line).
  // Raw bytes, at most kMaxAttempted of them; empty when nothing was sent.
  std::string attempted_target() const;
  static constexpr size_t kMaxAttempted = 1024;

 private:
  void fail(int status, std::string reason);
  void salvage_host(std::string_view unread);
  void line_done();
  void request_line(std::string_view line);
  void header_line(std::string_view line);
  void finish();

  ParseMode mode_;
  HeadLimits limits_;
  State state_ = State::incomplete;
  RequestHead head_;
  HeadError error_;
  std::string line_;
  size_t total_ = 0;
  bool seen_request_line_ = false;
  std::string raw_target_;     // the request-target as sent, bounded
  std::string salvaged_host_;  // a Host header after a failed request line
};

// Shows bytes a client sent in a log line or message: printable ASCII as it
// is (a backslash doubled), every other byte as \xNN, at most `max` input
// bytes (then `...`). The result is one line of ASCII.
std::string printable_bytes(std::string_view raw, size_t max);

// Returns the head to send upstream for an absolute-form request: the
// origin-form request line, `Host` from the URL, the client's headers minus
// Host, Proxy-*, hop-by-hop headers and those the Connection header names
// (never the framing headers, whose bytes are relayed as they are), and
// `Connection: close`.
std::string origin_form_head(const RequestHead& head);

}  // namespace cx::broker
