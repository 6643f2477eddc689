#include "aws/role_provider.h"

#include <variant>

#include "aws/endpoint.h"
#include "aws/profile/env_keys.h"
#include "aws/session_name.h"

namespace cx::aws {
namespace {

constexpr int kRoleChainingMax = 3600;

SourceIdentity identity_of(const profile::CredentialChain& chain) {
  SourceIdentity who;
  who.profile = chain.profile;
  who.sso = std::holds_alternative<profile::Sso>(chain.base);
  return who;
}

Result<StsClient> sts_for(ProviderContext& ctx) {
  auto endpoint = resolve_sts_endpoint(ctx.region, ctx.env);
  if (!endpoint) return endpoint.error();
  return StsClient(ctx.http, *endpoint, ctx.clock);
}

Result<Credentials> base_credentials(const profile::CredentialChain& chain, ProviderContext& ctx) {
  const auto& base = chain.base;
  if (auto* keys = std::get_if<profile::StaticKeys>(&base)) {
    Credentials c;
    c.access_key_id = keys->access_key_id;
    c.secret_access_key = keys->secret_access_key;
    c.session_token = keys->session_token;
    return c;
  }
  if (std::holds_alternative<profile::EnvironmentKeys>(base))
    return profile::environment_credentials(ctx.env);
  return make_error("profile \"" + chain.profile + "\" uses " + profile::describe(chain) +
                        ", which this version of cx cannot use yet",
                    "use a profile with static keys or a role_arn + source_profile chain of them");
}

}  // namespace

Result<Credentials> source_credentials(const profile::CredentialChain& chain,
                                       ProviderContext& ctx) {
  auto creds = base_credentials(chain, ctx);
  if (!creds) return creds.error();
  if (chain.hops.empty()) return creds;
  auto sts = sts_for(ctx);
  if (!sts) return sts.error();
  Credentials current = *creds;
  for (const auto& hop : chain.hops) {
    AssumeRoleParams p;
    p.role_arn = hop.role_arn;
    p.session_name = hop.role_session_name.empty() ? sanitize_session_name("cx-" + hop.profile)
                                                   : hop.role_session_name;
    p.duration_seconds = hop.duration_seconds;
    p.external_id = hop.external_id;
    if (!hop.mfa_serial.empty())
      return make_error("profile \"" + hop.profile +
                        "\" needs an MFA code (mfa_serial), which "
                        "this version of cx cannot ask for yet");
    SourceIdentity who;
    who.profile = hop.profile;
    auto assumed = sts->assume_role(current, p, who);
    if (!assumed) return assumed.error();
    current = assumed->credentials;
  }
  return current;
}

Result<AssumedRole> assume_agent_role(const Credentials& source, const RoleRequest& req,
                                      const profile::CredentialChain& chain, ProviderContext& ctx) {
  auto sts = sts_for(ctx);
  if (!sts) return sts.error();
  AssumeRoleParams p;
  p.role_arn = req.role_arn;
  p.session_name = req.session_name;
  p.duration_seconds = req.duration_seconds;
  if (source.temporary() && req.duration_seconds > kRoleChainingMax) {
    p.duration_seconds = kRoleChainingMax;
    if (ctx.notice)
      ctx.notice("AWS_SESSION_DURATION=" + std::to_string(req.duration_seconds) +
                 " capped to 3600 s: the source credentials are temporary (role chaining)");
  }
  p.external_id = req.external_id;
  p.policy = req.policy;
  return sts->assume_role(source, p, identity_of(chain));
}

}  // namespace cx::aws
