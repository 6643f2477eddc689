#include "aws/sources/digest.h"

#include <openssl/evp.h>

namespace cx::aws::sources {
namespace {

std::string hex_digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure; an empty result then fails any lookup safely.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) return {};
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::string sha1_hex(const std::string& data) { return hex_digest(EVP_sha1(), data); }

std::string sha256_hex(const std::string& data) { return hex_digest(EVP_sha256(), data); }

}  // namespace cx::aws::sources
