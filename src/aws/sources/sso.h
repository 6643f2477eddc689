#pragma once
// IAM Identity Center (SSO): the access token that `aws sso login` cached in
// ~/.aws/sso/cache/SHA1.json is exchanged for role credentials with the
// portal's GetRoleCredentials. cx never logs in itself and never refreshes
// the token (the CLI does that with `aws sso login`).

#include <string>

#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/sources/context.h"
#include "util/result.h"

namespace cx::aws::sources {

struct SsoToken {
  std::string access_token;
  SystemTime expires_at;
};

// Returns the token cache file: SHA-1 of the sso-session name, or of the start URL (legacy).
std::string sso_token_cache_path(const profile::Sso& source, const EnvLookup& env);

// Reads the cached token; missing, unreadable, truncated or expired is an Error (hint: log in).
Result<SsoToken> load_sso_token(const profile::Sso& source, const SourceContext& ctx);

// Returns the portal's base URL: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else the region's.
std::string sso_portal_url(const std::string& region, const EnvLookup& env);

// Loads the token and calls GetRoleCredentials for the profile's account and role.
Result<Credentials> fetch(const profile::Sso& source, const SourceContext& ctx);

}  // namespace cx::aws::sources
