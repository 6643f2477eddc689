#pragma once
// IAM Identity Center (SSO): the access token that `aws sso login` cached in
// ~/.aws/sso/cache/SHA1.json is exchanged for role credentials with the
// portal's GetRoleCredentials. cx never logs in itself and never refreshes
// the token (the CLI does that with `aws sso login`).

#include <cstddef>
#include <string>
#include <string_view>

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

// A token cache file is a few hundred bytes; a larger one than this is refused.
inline constexpr std::size_t kMaxSsoTokenFileBytes = 1024 * 1024;

// Reads the cached token; missing, unreadable, too large, truncated or expired
// is an Error (hint: log in).
Result<SsoToken> load_sso_token(const profile::Sso& source, const SourceContext& ctx);

// Parses the JSON of a token cache file at `path` (named in errors) as of `now`.
Result<SsoToken> parse_sso_token(std::string_view text, const profile::Sso& source,
                                 const std::string& path, SystemTime now);

// Returns the portal's base URL: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else the region's.
std::string sso_portal_url(const std::string& region, const EnvLookup& env);

// Loads the token and calls GetRoleCredentials for the profile's account and role.
Result<Credentials> fetch(const profile::Sso& source, const SourceContext& ctx);

}  // namespace cx::aws::sources
