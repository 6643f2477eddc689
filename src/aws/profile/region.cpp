#include "aws/profile/region.h"

namespace cx::aws::profile {

std::optional<std::string> resolve_region(const ProfileSet& set, const std::string& profile_name,
                                          const EnvLookup& env) {
  if (auto r = env_value(env, "AWS_REGION")) return r;
  if (auto r = env_value(env, "AWS_DEFAULT_REGION")) return r;
  if (const Properties* p = set.profile(profile_name)) return get(*p, "region");
  return std::nullopt;
}

}  // namespace cx::aws::profile
