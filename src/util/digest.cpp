#include "util/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <memory>

#include "util/hex.h"

namespace cx {

namespace {

// OpenSSL only fails here on allocation failure or a broken build; there is
// no sensible way to carry on with a wrong digest, so stop.
void check(int ok) {
  if (ok != 1) std::abort();
}

std::string digest(const EVP_MD* md, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) std::abort();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  check(EVP_DigestInit_ex(ctx.get(), md, nullptr));
  check(EVP_DigestUpdate(ctx.get(), data.data(), data.size()));
  check(EVP_DigestFinal_ex(ctx.get(), out, &len));
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

// SHA-256 through OpenSSL's low-level SHA256_* functions where the library
// still has them: EVP (and OpenSSL 3's one-shot SHA256(), built on it) first
// sets up the providers and reads openssl.cnf, ~5M instructions, which was
// the largest CPU cost of a session's start (BENCHMARKS.md). They are
// deprecated in OpenSSL 3, not removed; a build of OpenSSL without them
// (OPENSSL_NO_DEPRECATED_3_0) takes the EVP path.
#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct Sha256Stream::Impl {
  SHA256_CTX ctx;
  Impl() { check(SHA256_Init(&ctx)); }
  void update(std::string_view d) { check(SHA256_Update(&ctx, d.data(), d.size())); }
  std::string finish() {
    unsigned char out[SHA256_DIGEST_LENGTH];
    check(SHA256_Final(out, &ctx));
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
  }
};
#pragma GCC diagnostic pop
#else
struct Sha256Stream::Impl {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Impl() {
    if (!ctx) std::abort();
    check(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr));
  }
  void update(std::string_view d) { check(EVP_DigestUpdate(ctx.get(), d.data(), d.size())); }
  std::string finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    check(EVP_DigestFinal_ex(ctx.get(), out, &len));
    return std::string(reinterpret_cast<const char*>(out), len);
  }
};
#endif

Sha256Stream::Sha256Stream() : impl_(std::make_unique<Impl>()) {}
Sha256Stream::~Sha256Stream() = default;
void Sha256Stream::update(std::string_view data) { impl_->update(data); }
std::string Sha256Stream::finish() { return impl_->finish(); }

std::string sha256(std::string_view data) {
  Sha256Stream s;
  s.update(data);
  return s.finish();
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

std::string sha1_hex(std::string_view data) { return to_hex(digest(EVP_sha1(), data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // The one-shot HMAC() is not deprecated in OpenSSL 3 and avoids the
  // EVP_MAC fetch boilerplate.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace cx
