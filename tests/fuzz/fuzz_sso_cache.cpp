// Fuzzes the JSON token that `aws sso login` caches in ~/.aws/sso/cache:
// an accepted token is non-empty and unexpired; errors are one line.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "aws/sources/sso.h"
#include "fuzz_support.h"

using namespace cx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const aws::profile::Sso source{
      "dev", "my-sso", "https://example.awsapps.com/start", "eu-west-1", "111122223333", "Role"};
  const SystemTime now(std::chrono::seconds(1714564800));
  auto token = aws::sources::parse_sso_token(text, source, "/cache/x.json", now);
  if (!token) {
    fuzz::require_one_line(token.error());
    return 0;
  }
  fuzz::require(!token->access_token.empty(), "an accepted token is not empty");
  fuzz::require(token->expires_at > now, "an accepted token has not expired");
  return 0;
}
