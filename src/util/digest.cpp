#include "util/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string sha256(std::string_view data) { return digest(EVP_sha256(), data); }

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
