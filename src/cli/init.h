#pragma once
// What `cx init` writes: the example config compiled into cx
// (.claude-exec.example), with the values the user chose in place of the
// example's.

#include <string>

#include "util/result.h"

namespace cx::cli {

struct InitValues {
  std::string runtime, image, role, region, profile;
};

// Returns the example config with RUNTIME, IMAGE_TAG, AWS_IAM_ROLE and
// AWS_REGION set to `v`'s (shell-quoted where needed), and AWS_PROFILE set
// when it is not "default"; an Error if the example lacks one of those lines.
Result<std::string> init_config_text(const InitValues& v);

}  // namespace cx::cli
