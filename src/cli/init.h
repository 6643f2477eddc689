#pragma once
// What `cx init` writes: the example config compiled into cx
// (.claude-exec.example), with the values the user chose in place of the
// example's.

#include <string>

#include "util/result.h"

namespace cx::cli {

struct InitValues {
  std::string runtime, image, role, region, profile;
  // An application inference profile ARN for ANTHROPIC_MODEL and every
  // model-slot key (config/inference_profile.h); empty: none.
  std::string inference_profile;
};

// Returns the example config with RUNTIME, IMAGE_TAG, AWS_IAM_ROLE and
// AWS_REGION set to `v`'s (shell-quoted where needed), AWS_PROFILE set
// when it is not "default", and ANTHROPIC_MODEL and the model-slot keys set
// (uncommented) when `v` names an inference profile; an Error if the example
// lacks one of those lines.
Result<std::string> init_config_text(const InitValues& v);

}  // namespace cx::cli
