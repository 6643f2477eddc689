#pragma once
// Turns an STS error document into one sentence a user can act on, with the
// fix in the hint (docs/contract.md §STS errors).

#include <optional>
#include <string>
#include <string_view>

#include "aws/sts_xml.h"
#include "util/result.h"

namespace cx::aws {

// Who the source credentials belong to; used only to word hints.
struct SourceIdentity {
  std::string profile;  // empty: keys from the environment
  bool sso = false;     // IAM Identity Center profile: the fix is `aws sso login`
};

// What was being asked for, so the message can name it.
struct StsCallContext {
  std::string action;  // AssumeRole, GetSessionToken, ...
  std::string role_arn;
  std::optional<int> duration_seconds;
  bool external_id = false;
  bool mfa = false;
  bool policy = false;
  std::string region;  // the signing region
  SourceIdentity source;
};

// True for the codes that mean "slow down and try again".
bool is_throttling_code(std::string_view code);

// Returns the Error for a non-retried STS error document.
Error explain_sts_error(const StsErrorDocument& doc, const StsCallContext& ctx);

}  // namespace cx::aws
