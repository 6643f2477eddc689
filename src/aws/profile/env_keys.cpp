#include "aws/profile/env_keys.h"

namespace cx::aws::profile {

Result<Credentials> environment_credentials(const EnvLookup& env) {
  auto key = env_value(env, "AWS_ACCESS_KEY_ID");
  auto secret = env_value(env, "AWS_SECRET_ACCESS_KEY");
  if (!key || !secret) {
    std::string lacks = !key && !secret ? "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are"
                        : !key          ? "AWS_ACCESS_KEY_ID is"
                                        : "AWS_SECRET_ACCESS_KEY is";
    return make_error("the credentials come from the environment, but " + lacks + " not set",
                      "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                      "for temporary keys) before running cx");
  }
  Credentials c;
  c.access_key_id = *key;
  c.secret_access_key = *secret;
  // AWS_SECURITY_TOKEN is the older name that the CLI still reads.
  c.session_token = env_value(env, "AWS_SESSION_TOKEN")
                        .value_or(env_value(env, "AWS_SECURITY_TOKEN").value_or(""));
  return c;
}

}  // namespace cx::aws::profile
