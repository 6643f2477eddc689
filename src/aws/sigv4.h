#pragma once
// AWS Signature Version 4 (header form), step by step so that each step can
// be checked against the public test suite:
// canonical request -> string to sign -> signing key -> signature ->
// Authorization header. sign() runs them all on an HttpRequest.
//
// Paths are normalised and encoded as for every service but S3 (the only
// kind cx calls); the URL in the request is taken as it goes on the wire.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "util/clock.h"
#include "util/http.h"
#include "util/result.h"

namespace cx::aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using Headers = std::vector<std::pair<std::string, std::string>>;

struct CanonicalRequest {
  std::string text;            // the canonical request itself
  std::string signed_headers;  // "host;x-amz-date;..."
};

// Returns the canonical URI of a raw path: dot segments and repeated slashes
// removed, then every byte but unreserved ones and '/' percent-encoded.
std::string canonical_uri(std::string_view raw_path);

// Returns the canonical query string: pairs sorted by key then value, each
// side decoded and re-encoded; a key without '=' gets an empty value.
std::string canonical_query(std::string_view raw_query);

// Builds the canonical request; every header is signed except those that
// proxies and clients rewrite (Authorization, User-Agent, Expect, X-Amzn-Trace-Id).
CanonicalRequest canonical_request(std::string_view method, std::string_view raw_path,
                                   std::string_view raw_query, const Headers& headers,
                                   std::string_view payload_hash_hex);

// Returns the X-Amz-Date form of `t`: `YYYYMMDDTHHMMSSZ`.
std::string amz_date(SystemTime t);

// Returns `DATE/REGION/SERVICE/aws4_request`; `date` is YYYYMMDD.
std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service);

// Returns the string to sign for a canonical request.
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// Derives the (raw, 32-byte) signing key from the secret access key.
std::string signing_key(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service);

// Returns the hex signature of `string_to_sign` under `signing_key`.
std::string signature(std::string_view signing_key, std::string_view string_to_sign);

// Returns the value of the Authorization header.
std::string authorization(std::string_view access_key_id, std::string_view scope,
                          std::string_view signed_headers, std::string_view signature_hex);

// Signs `req` in place at time `now`: sets Host (from the URL, unless
// present), X-Amz-Date, X-Amz-Security-Token (temporary credentials, signed),
// X-Amz-Content-Sha256 (S3 only) and Authorization. Fails only on a bad URL.
Status sign(HttpRequest& req, const Credentials& creds, std::string_view region,
            std::string_view service, SystemTime now);

}  // namespace cx::aws::sigv4
