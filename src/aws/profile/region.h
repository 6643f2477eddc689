#pragma once
// The region of a profile with the CLI v2 precedence:
// AWS_REGION > AWS_DEFAULT_REGION > the profile's `region`.

#include <optional>
#include <string>

#include "util/env.h"
#include "aws/profile/profile_set.h"

namespace cx::aws::profile {

// Returns the region for `profile_name`, or nullopt when none is set anywhere.
std::optional<std::string> resolve_region(const ProfileSet& set, const std::string& profile_name,
                                          const EnvLookup& env);

}  // namespace cx::aws::profile
