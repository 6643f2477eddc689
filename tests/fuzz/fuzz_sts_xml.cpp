// Fuzzes the STS XML answers (AssumeRole and friends, GetCallerIdentity,
// ErrorResponse): what is accepted is complete, and an error about an
// answer stays one bounded line whatever the server sent.
#include <cstdint>
#include <string_view>

#include "aws/sts_xml.h"
#include "fuzz_support.h"

using namespace cx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (std::string_view action : {"AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken"}) {
    auto r = aws::parse_credentials_result(body, action);
    if (!r) {
      fuzz::require_one_line(r.error());
      continue;
    }
    fuzz::require(!r->credentials.access_key_id.empty() &&
                      !r->credentials.secret_access_key.empty() &&
                      !r->credentials.session_token.empty() && r->credentials.expiration,
                  "accepted credentials are complete");
  }
  auto who = aws::parse_caller_identity(body);
  if (!who) fuzz::require_one_line(who.error());
  if (auto e = aws::parse_error_document(body)) {
    fuzz::require(!e->code.empty(), "an error document has a code");
  }
  return 0;
}
