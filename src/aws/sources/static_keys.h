#pragma once
// The two sources that need no I/O: keys written in the profile and keys in
// the host environment.

#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/sources/context.h"
#include "util/result.h"

namespace cx::aws::sources {

// Returns the profile's aws_access_key_id / aws_secret_access_key [/ aws_session_token].
Result<Credentials> fetch(const profile::StaticKeys& source, const SourceContext& ctx);

// Returns AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN] from ctx.env.
Result<Credentials> fetch(const profile::EnvironmentKeys& source, const SourceContext& ctx);

}  // namespace cx::aws::sources
