#pragma once
// URL pieces and the percent-encoding AWS uses (RFC 3986 unreserved set),
// shared by SigV4 and the STS form bodies.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace cx {

struct Url {
  std::string scheme;  // lower-cased: "http" or "https" (others are refused)
  std::string host;    // as written; IPv6 literals keep their brackets
  std::string port;    // empty when not written
  std::string path;    // raw, "/" when empty
  std::string query;   // raw, without the '?'

  // Returns "host" or "host:port", omitting the scheme's default port, as
  // the Host header carries it.
  std::string authority() const;
  // Returns scheme://authority/path, without the query: safe to show a user.
  std::string without_query() const;
};

// Splits an absolute http(s) URL; anything else is an Error naming it.
Result<Url> parse_url(std::string_view url);

// Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (and '/' when
// `keep_slash`), upper-case hex, as SigV4 and the AWS query protocol want.
std::string percent_encode(std::string_view s, bool keep_slash = false);

// Decodes %XX escapes; a malformed escape is kept literally. '+' stays '+'.
std::string percent_decode(std::string_view s);

// Returns `k1=v1&k2=v2` in order, application/x-www-form-urlencoded: as
// percent_encode() but a space is '+'. That is the body botocore sends, and
// stand-ins such as moto re-encode the parsed form this way to check the
// signature (real STS hashes the bytes it receives, so both would do there).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace cx
