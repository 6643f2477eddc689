#include "aws/sigv4.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>

#include "util/digest.h"
#include "util/hex.h"
#include "util/iso8601.h"
#include "util/url.h"

namespace cx::aws::sigv4 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

// Trims the value and folds each run of blanks into one space, as SigV4
// requires (quotes included: the suite's get-header-value-trim says so).
std::string canonical_header_value(std::string_view v) {
  std::string out;
  bool blank = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  return out;
}

bool unsigned_header(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id";
}

// Replaces the value of header `name` (any case), or appends it.
void set_header(Headers& headers, std::string_view name, std::string value) {
  for (auto& [n, v] : headers) {
    if (iequals(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

}  // namespace

std::string canonical_uri(std::string_view raw_path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    std::string_view seg = raw_path.substr(pos, slash - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string path;
  for (auto seg : segments) {
    path.push_back('/');
    path += seg;
  }
  // A trailing slash is part of the resource name; a trailing dot segment
  // (`/a/..`, `/.`) resolves to a directory too.
  bool trailing = !raw_path.empty() &&
                  (raw_path.back() == '/' || raw_path.ends_with("/.") || raw_path.ends_with("/.."));
  if (path.empty() || trailing) path.push_back('/');
  return percent_encode(path, /*keep_slash=*/true);
}

std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos <= raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view item = raw_query.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string_view key = item.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      params.emplace_back(percent_encode(percent_decode(key)),
                          percent_encode(percent_decode(value)));
    }
    pos = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += k + "=" + v;
  }
  return out;
}

CanonicalRequest canonical_request(std::string_view method, std::string_view raw_path,
                                   std::string_view raw_query, const Headers& headers,
                                   std::string_view payload_hash_hex) {
  // std::map sorts by lower-cased name; repeated headers keep their order
  // and are joined with commas.
  std::map<std::string, std::string> canon;
  for (const auto& [name, value] : headers) {
    std::string key = lower(name);
    if (unsigned_header(key)) continue;
    auto [it, inserted] = canon.try_emplace(key, canonical_header_value(value));
    if (!inserted) it->second += "," + canonical_header_value(value);
  }
  CanonicalRequest out;
  std::string header_block;
  for (const auto& [name, value] : canon) {
    header_block += name + ":" + value + "\n";
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += name;
  }
  out.text = std::string(method) + "\n" + canonical_uri(raw_path) + "\n" +
             canonical_query(raw_query) + "\n" + header_block + "\n" + out.signed_headers + "\n" +
             std::string(payload_hash_hex);
  return out;
}

std::string amz_date(SystemTime t) { return format_iso8601_basic(t); }

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  return std::string(date) + "/" + std::string(region) + "/" + std::string(service) +
         "/aws4_request";
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         to_hex(sha256(canonical_request));
}

std::string signing_key(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service) {
  std::string k = hmac_sha256("AWS4" + std::string(secret_access_key), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  return hmac_sha256(k, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign) {
  return to_hex(hmac_sha256(signing_key, string_to_sign));
}

std::string authorization(std::string_view access_key_id, std::string_view scope,
                          std::string_view signed_headers, std::string_view signature_hex) {
  return std::string(kAlgorithm) + " Credential=" + std::string(access_key_id) + "/" +
         std::string(scope) + ", SignedHeaders=" + std::string(signed_headers) +
         ", Signature=" + std::string(signature_hex);
}

Status sign(HttpRequest& req, const Credentials& creds, std::string_view region,
            std::string_view service, SystemTime now) {
  auto url = parse_url(req.url);
  if (!url) return url.error();

  std::erase_if(req.headers, [](const auto& h) { return iequals(h.first, "authorization"); });
  // libcurl would add Host itself; setting it here makes the signed value
  // and the sent value the same by construction.
  if (!has_header(req.headers, "host")) req.headers.emplace_back("Host", url->authority());
  std::string date_time = amz_date(now);
  set_header(req.headers, "X-Amz-Date", date_time);
  if (!creds.session_token.empty()) {
    set_header(req.headers, "X-Amz-Security-Token", creds.session_token);
  }
  std::string payload_hash = to_hex(sha256(req.body));
  if (service == "s3") set_header(req.headers, "X-Amz-Content-Sha256", payload_hash);

  CanonicalRequest creq =
      canonical_request(req.method, url->path, url->query, req.headers, payload_hash);
  std::string date = date_time.substr(0, 8);
  std::string scope = credential_scope(date, region, service);
  std::string sts = string_to_sign(date_time, scope, creq.text);
  std::string sig = signature(signing_key(creds.secret_access_key, date, region, service), sts);
  req.headers.emplace_back("Authorization",
                           authorization(creds.access_key_id, scope, creq.signed_headers, sig));
  return Ok{};
}

}  // namespace cx::aws::sigv4
