#pragma once
// Syntax checks for the values of ~/.claude-exec. Each returns a sentence
// that names the key; the caller adds FILE:LINE:COL. No file system access.

#include <string>
#include <string_view>

#include "config/settings.h"
#include "util/result.h"

namespace cx::config {

// Checks RUNTIME: docker, podman, nerdctl, or an absolute path to one of them.
Result<RuntimeKind> parse_runtime(std::string_view value);

// Checks IMAGE_TAG is a plausible image reference (repo[:tag][@digest]).
Status check_image_tag(std::string_view value);

// Checks AWS_IAM_ROLE is an IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
Status check_role_arn(std::string_view value);

// Checks AWS_REGION has the shape of a region name such as us-east-1.
Status check_region(std::string_view value);

// Checks an Amazon Bedrock application inference profile ARN,
// arn:PARTITION:bedrock:REGION:ACCOUNT:application-inference-profile/ID:
// PARTITION aws, aws-cn or aws-us-gov with a region of that partition, a
// 12-digit account and an ID of 1 to 64 letters, digits, '.', '_' or '-'
// that starts with a letter or digit. The message says what is wrong
// without quoting the value (it may be anything a user pasted); the caller
// names where it came from.
Status check_inference_profile_arn(std::string_view value);

// Returns the region of an ARN check_inference_profile_arn accepts.
std::string_view inference_profile_region(std::string_view arn);

// Checks CX_EXTERNAL_ID against the AssumeRole ExternalId constraints.
Status check_external_id(std::string_view value);

// Checks CX_ROLE_SESSION_NAME against the AssumeRole RoleSessionName constraints.
Status check_role_session_name(std::string_view value);

// Parses one CX_MOUNTS entry; `home` replaces a leading ~/ of the host path.
Result<Mount> parse_mount(std::string_view entry, std::string_view home);

// Parses whole seconds in [min, max]; the message names `key`.
Result<int> parse_seconds(std::string_view key, std::string_view value, int min, int max);

}  // namespace cx::config
