#pragma once
// The credentials of the EnvironmentKeys source: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and the optional AWS_SESSION_TOKEN of the host.

#include "aws/credentials.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::aws::profile {

// Reads the keys from `env`; an error (naming only variables, never values) when incomplete.
Result<Credentials> environment_credentials(const EnvLookup& env);

}  // namespace cx::aws::profile
