#include "aws/sources/static_keys.h"

#include "aws/profile/env_keys.h"

namespace cx::aws::sources {

Result<Credentials> fetch(const profile::StaticKeys& source, const SourceContext&) {
  Credentials c;
  c.access_key_id = source.access_key_id;
  c.secret_access_key = source.secret_access_key;
  c.session_token = source.session_token;
  return c;
}

Result<Credentials> fetch(const profile::EnvironmentKeys&, const SourceContext& ctx) {
  return profile::environment_credentials(ctx.env);
}

}  // namespace cx::aws::sources
