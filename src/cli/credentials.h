#pragma once
// The agent's temporary credentials, from the config's AWS_PROFILE and
// AWS_IAM_ROLE.

#include <string>

#include "aws/credentials.h"
#include "config/settings.h"

namespace cx::cli {

struct AgentCredentials {
  aws::Credentials creds;
  std::string region;
};

// Resolves the region and assumes AWS_IAM_ROLE (placeholders instead of STS
// when `dry_run`); throws Fatal with `exit_code` on failure.
AgentCredentials agent_credentials(const config::Settings& s, const std::string& project_dir,
                                   bool dry_run, int exit_code);

}  // namespace cx::cli
