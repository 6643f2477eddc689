#pragma once
// Getting the agent's credentials: walk the source profile's chain (its base
// credentials, then each role hop) and assume AWS_IAM_ROLE with the result.
// This is where aws/profile (what to do) meets aws/sts (how to ask).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/sts.h"
#include "util/clock.h"
#include "util/http.h"
#include "util/result.h"

namespace cx::aws {

// What cx asks STS for on behalf of the agent.
struct RoleRequest {
  std::string role_arn;
  std::string session_name;
  int duration_seconds = 3600;
  std::string external_id;
  std::string policy;  // inline session policy JSON, or empty
};

struct ProviderContext {
  HttpClient& http;
  const Clock& clock;
  EnvLookup env;
  std::string region;  // used for the STS endpoint of every hop
  // Notices for the user (not errors), e.g. the role-chaining cap.
  std::function<void(const std::string&)> notice;
};

// Returns the source credentials of `chain`: its base, then every hop assumed
// in order.
Result<Credentials> source_credentials(const profile::CredentialChain& chain, ProviderContext& ctx);

// Assumes `req.role_arn` with `source`; caps the duration at 3600 s (with a
// notice) when `source` is itself temporary, as STS requires for role chaining.
Result<AssumedRole> assume_agent_role(const Credentials& source, const RoleRequest& req,
                                      const profile::CredentialChain& chain, ProviderContext& ctx);

}  // namespace cx::aws
