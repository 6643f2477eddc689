#pragma once
// Hex digests (OpenSSL) for file names derived from keys: the SSO token
// cache (SHA-1, the name `aws sso login` uses) and cx's credential cache.

#include <string>

namespace cx::aws::sources {

// Returns the lower-case hex SHA-1 of `data`.
std::string sha1_hex(const std::string& data);

// Returns the lower-case hex SHA-256 of `data`.
std::string sha256_hex(const std::string& data);

}  // namespace cx::aws::sources
