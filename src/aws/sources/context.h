#pragma once
// SourceContext: the side effects a credential source may use, injected so
// that each source is tested with a fake HTTP client, clock and environment.
// Every source has the same shape:
//   Result<Credentials> fetch(const profile::<Source>& source, const SourceContext& ctx);
// so a caller can std::visit a chain's BaseSource (all but WebIdentity,
// which needs STS and lives with it).

#include <chrono>
#include <cstddef>

#include "util/clock.h"
#include "util/env.h"
#include "util/http.h"

namespace cx::aws::sources {

// A token file (web_identity_token_file, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
// larger than this is refused: STS takes web identity tokens of up to 20,000
// characters, container tokens are shorter.
inline constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

struct SourceContext {
  EnvLookup env;
  HttpClient& http;
  const Clock& clock;
  // credential_process: the AWS CLI waits forever; a hung helper must not hang cx.
  std::chrono::milliseconds process_timeout{std::chrono::seconds(60)};
};

}  // namespace cx::aws::sources
