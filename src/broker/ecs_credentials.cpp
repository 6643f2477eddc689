#include "broker/ecs_credentials.h"

#include <openssl/crypto.h>
#include <sys/random.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/hex.h"
#include "util/iso8601.h"

namespace cx::broker {

Result<std::string> ecs_credentials_json(const aws::Credentials& creds) {
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() || !creds.temporary() ||
      !creds.expiration) {
    return make_error("the credential endpoint can only serve temporary credentials with an expiry",
                      "set AWS_IAM_ROLE so cx serves role credentials, or use CX_CREDENTIALS=env");
  }
  const nlohmann::json body = {
      {"AccessKeyId", creds.access_key_id},
      {"SecretAccessKey", creds.secret_access_key},
      {"Token", creds.session_token},
      {"Expiration", format_iso8601(*creds.expiration)},
  };
  return body.dump();
}

bool token_matches(const std::string* authorization, std::string_view token) {
  if (authorization == nullptr || token.empty()) return false;
  // Only the length can leak, and every token has the same length.
  if (authorization->size() != token.size()) return false;
  return CRYPTO_memcmp(authorization->data(), token.data(), token.size()) == 0;
}

Result<std::string> generate_token() {
  // The kernel's random source directly (getentropy: Linux, macOS, the
  // BSDs): OpenSSL's generator would first have to set itself up, which
  // costs a session start more than a millisecond.
  unsigned char bytes[32];
  if (::getentropy(bytes, sizeof bytes) != 0) {
    return make_error("could not get random bytes for the credential endpoint token",
                      "check that the system random source (getrandom) works");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

CredentialRoute route_credentials(std::string_view method, std::string_view path,
                                  const std::string* authorization, std::string_view token) {
  if (path != kCredentialsPath) return CredentialRoute::not_found;
  if (method != "GET" && method != "HEAD") return CredentialRoute::method_not_allowed;
  if (!token_matches(authorization, token)) return CredentialRoute::forbidden;
  return CredentialRoute::serve;
}

}  // namespace cx::broker
