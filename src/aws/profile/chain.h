#pragma once
// Resolving a profile into a credential chain with the AWS CLI v2 rules: one
// base source that yields credentials, then zero or more AssumeRole hops, each
// run with the credentials of the step before. Pure logic: nothing here calls
// STS, reads a token cache or runs a process.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/env.h"
#include "aws/profile/profile_set.h"
#include "util/result.h"

namespace cx::aws::profile {

// aws_access_key_id / aws_secret_access_key [/ aws_session_token] of a profile.
struct StaticKeys {
  std::string profile;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string account_id;     // aws_account_id, optional
};

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN] of the host
// environment (credential_source = Environment, or no profile; see env_keys.h).
struct EnvironmentKeys {};

// credential_source = Ec2InstanceMetadata: the instance role from IMDS.
struct Ec2InstanceMetadata {};

// credential_source = EcsContainer: the task role from the container endpoint.
struct EcsContainer {};

// credential_process = COMMAND: the command prints the credentials as JSON.
struct CredentialProcess {
  std::string profile;
  std::string command;  // as written; split like the CLI does by whoever runs it
};

// IAM Identity Center: role credentials for a cached `aws sso login` token.
struct Sso {
  std::string profile;
  std::string session_name;  // sso_session; empty for the legacy form (token cache key differs)
  std::string start_url;
  std::string region;  // sso_region: where the portal is, not the profile's region
  std::string account_id;
  std::string role_name;
};

// web_identity_token_file + role_arn: AssumeRoleWithWebIdentity.
struct WebIdentity {
  std::string profile;
  std::string role_arn;
  std::string token_file;
  std::string role_session_name;  // optional
};

using BaseSource = std::variant<StaticKeys, EnvironmentKeys, Ec2InstanceMetadata, EcsContainer,
                                CredentialProcess, Sso, WebIdentity>;

// One AssumeRole call, configured by the profile that holds the role_arn.
struct RoleHop {
  std::string profile;
  std::string role_arn;
  std::string external_id;              // optional
  std::string role_session_name;        // optional
  std::optional<int> duration_seconds;  // optional
  std::string mfa_serial;               // optional: a 6-digit code must be asked for
  std::string region;                   // the hop profile's `region`, optional
};

struct CredentialChain {
  std::string profile;  // the selected profile ("default" when none was named)
  BaseSource base;
  std::vector<RoleHop> hops;  // in call order: hops[0] uses the base's credentials
};

// Resolves profile `name` of `set` into its chain (the cross-SDK assume-role suite's model).
Result<CredentialChain> resolve_profile_chain(const ProfileSet& set, const std::string& name);

// cx's entry point. `configured_profile` is AWS_PROFILE from cx's own config,
// which acts like the CLI's --profile: it always names the profile. Without it
// the CLI v2 order applies: AWS_ACCESS_KEY_ID in the environment wins (even
// over AWS_PROFILE in the environment and over [default]), then the profile
// named by AWS_PROFILE / AWS_DEFAULT_PROFILE, then `default`.
Result<CredentialChain> resolve_source_chain(const ProfileSet& set,
                                             const std::optional<std::string>& configured_profile,
                                             const EnvLookup& env);

// Returns a one-line description without secrets, e.g.
// "static keys of profile base -> role arn:aws:iam::1:role/r (profile dev)".
std::string describe(const CredentialChain& chain);

}  // namespace cx::aws::profile
