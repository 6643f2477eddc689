#pragma once
// Getting the agent's credentials: walk the source profile's chain (its base
// credentials, an MFA session where the profile asks for one, then each role
// hop) and assume AWS_IAM_ROLE with the result. This is where aws/profile
// (what to do), aws/sources (base credentials) and aws/sts (how to ask) meet.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "aws/cache.h"
#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/profile/profile_set.h"
#include "aws/sts.h"
#include "util/clock.h"
#include "util/env.h"
#include "util/http.h"
#include "util/result.h"

namespace cx::aws {

// STS refuses inline session policies longer than this (plain text).
inline constexpr std::size_t kMaxSessionPolicyChars = 2048;
// STS caps a session assumed with role credentials (role chaining) at 1 h.
inline constexpr int kRoleChainingMaxSeconds = 3600;

// What cx asks STS for on behalf of the agent.
struct RoleRequest {
  std::string role_arn;
  std::string session_name;
  int duration_seconds = 3600;
  std::string external_id;
  std::string policy;  // inline session policy JSON, or empty
};

// Asks for an MFA code: (profile, mfa_serial) -> six digits.
using MfaPrompt = std::function<Result<std::string>(const std::string&, const std::string&)>;

struct ProviderContext {
  HttpClient& http;
  const Clock& clock;
  EnvLookup env;
  std::string region;                      // the STS endpoint of every call
  const profile::ProfileSet* profiles;     // for mfa_serial on the source profile
  CredentialCache* cache = nullptr;        // null: CX_CACHE=0
  std::chrono::seconds cache_margin{900};  // a cached entry must have this much left
  MfaPrompt ask_mfa;                       // null: MFA profiles are an error
  // Notices for the user (not errors), e.g. the role-chaining cap.
  std::function<void(const std::string&)> notice;
  // Retry behaviour of every STS client (tests make it instant).
  RetryHooks retry_hooks = RetryHooks::real();
};

// Credentials plus whether they belong to a role session (which makes a
// further AssumeRole "role chaining").
struct SourceCredentials {
  Credentials creds;
  bool role_session = false;
};

// Returns the source credentials of `chain`: its base, an MFA session where
// asked for, then every hop assumed in order.
Result<SourceCredentials> source_credentials(const profile::CredentialChain& chain,
                                             ProviderContext& ctx);

// Assumes `req.role_arn` with `source`; caps the duration at 3600 s (with a
// notice) when `source` is a role session, as STS requires for role chaining.
Result<AssumedRole> assume_agent_role(const SourceCredentials& source, const RoleRequest& req,
                                      const profile::CredentialChain& chain, ProviderContext& ctx);

// The whole way: a cached AssumeRole result of the same request when it has
// more than `ctx.cache_margin` left, else source_credentials +
// assume_agent_role, stored in the cache. `use_cached` false forces a new
// call (the broker's renewals).
Result<Credentials> agent_role_credentials(const profile::CredentialChain& chain,
                                           const RoleRequest& req, ProviderContext& ctx,
                                           bool use_cached = true);

// Only the cached result, if there is one that agent_role_credentials would
// take: a session that has it asks nothing of STS or the user.
std::optional<Credentials> cached_agent_role_credentials(const profile::CredentialChain& chain,
                                                         const RoleRequest& req,
                                                         ProviderContext& ctx);

}  // namespace cx::aws
