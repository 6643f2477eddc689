#pragma once
// The agent's temporary credentials, from the config's AWS_PROFILE and
// AWS_IAM_ROLE: resolved once per session, issued as often as the broker
// needs (its renewals skip the cache).

#include <memory>
#include <string>

#include "aws/cache.h"
#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/profile/profile_set.h"
#include "aws/role_provider.h"
#include "config/settings.h"
#include "util/clock.h"
#include "util/curl_http.h"
#include "util/result.h"

namespace cx::cli {

class AgentCredentialSource {
 public:
  // Loads the AWS profiles, resolves AWS_PROFILE into its chain and the
  // region; throws Fatal with `exit_code` on failure. Calls no STS.
  AgentCredentialSource(const config::Settings& s, const std::string& project_dir, int exit_code);

  const std::string& region() const { return region_; }
  const aws::profile::CredentialChain& chain() const { return chain_; }

  // Assumes AWS_IAM_ROLE (or takes the cached result when `use_cached`).
  // Safe to call from one thread at a time.
  Result<aws::Credentials> issue(bool use_cached = true);
  // The cached credentials issue() would return without asking STS (or
  // the user, for MFA), if any.
  std::optional<aws::Credentials> cached();

 private:
  CurlHttpClient http_;
  SystemClock clock_;
  aws::profile::ProfileSet profiles_;
  aws::profile::CredentialChain chain_;
  std::string region_;
  aws::RoleRequest request_;
  std::unique_ptr<aws::CredentialCache> cache_;
  std::unique_ptr<aws::ProviderContext> ctx_;
};

}  // namespace cx::cli
