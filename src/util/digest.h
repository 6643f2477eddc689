#pragma once
// SHA-256 and HMAC-SHA256 on OpenSSL, returning raw bytes (see util/hex.h
// for the printable form).

#include <memory>
#include <string>
#include <string_view>

namespace cx {

// Returns the 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

// SHA-256 of data given in parts (a file read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  void update(std::string_view data);
  std::string finish();  // the 32-byte digest; call once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Returns the 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Returns the SHA-256 digest of `data` as lower-case hex.
std::string sha256_hex(std::string_view data);

// Returns the SHA-1 digest of `data` as lower-case hex (the AWS SSO token
// cache names its files so; not for security).
std::string sha1_hex(std::string_view data);

}  // namespace cx
