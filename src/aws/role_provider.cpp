#include "aws/role_provider.h"

#include <variant>

#include "aws/endpoint.h"
#include "aws/session_name.h"
#include "aws/sources/container_metadata.h"
#include "aws/sources/context.h"
#include "aws/sources/credential_process.h"
#include "aws/sources/sso.h"
#include "aws/sources/static_keys.h"
#include "util/bounded_file.h"

namespace cx::aws {
namespace {

// GetSessionToken's default for IAM users: 12 hours, so a code is typed about
// once a working day.
constexpr int kMfaSessionSeconds = 43200;

SourceIdentity identity_of(const profile::CredentialChain& chain) {
  SourceIdentity who;
  who.profile = chain.profile;
  who.sso = std::holds_alternative<profile::Sso>(chain.base);
  return who;
}

Result<StsClient> sts_for(ProviderContext& ctx) {
  auto endpoint = resolve_sts_endpoint(ctx.region, ctx.env);
  if (!endpoint) return endpoint.error();
  return StsClient(ctx.http, *endpoint, ctx.clock, RetryPolicy{}, ctx.retry_hooks);
}

Result<std::string> read_token_file(const std::string& path, const std::string& profile) {
  BoundedRead file = read_bounded_file(path, sources::kMaxTokenFileBytes);
  if (!file.ok())
    return make_error("cannot read web_identity_token_file " + path + " of profile \"" + profile +
                      "\": " + file.why);
  std::string token = std::move(file.text);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return make_error("web_identity_token_file " + path + " is empty");
  return token;
}

Result<SourceCredentials> base_credentials(const profile::CredentialChain& chain,
                                           ProviderContext& ctx) {
  sources::SourceContext sctx{ctx.env, ctx.http, ctx.clock};
  auto plain = [](Result<Credentials> r, bool role) -> Result<SourceCredentials> {
    if (!r) return r.error();
    return SourceCredentials{*r, role};
  };
  return std::visit(
      [&](const auto& src) -> Result<SourceCredentials> {
        using T = std::decay_t<decltype(src)>;
        if constexpr (std::is_same_v<T, profile::WebIdentity>) {
          auto token = read_token_file(src.token_file, src.profile);
          if (!token) return token.error();
          auto sts = sts_for(ctx);
          if (!sts) return sts.error();
          AssumeRoleWithWebIdentityParams p;
          p.role_arn = src.role_arn;
          p.session_name = src.role_session_name.empty()
                               ? sanitize_session_name("cx-" + src.profile)
                               : src.role_session_name;
          p.web_identity_token = *token;
          auto r = sts->assume_role_with_web_identity(p);
          if (!r) return r.error();
          return SourceCredentials{r->credentials, true};
        } else if constexpr (std::is_same_v<T, profile::Sso> ||
                             std::is_same_v<T, profile::Ec2InstanceMetadata> ||
                             std::is_same_v<T, profile::EcsContainer>) {
          // These hand out role credentials: assuming a role with them chains.
          return plain(sources::fetch(src, sctx), true);
        } else {
          // Static or environment keys, credential_process: a session token
          // may come with them, but nothing says they are a role session.
          return plain(sources::fetch(src, sctx), false);
        }
      },
      chain.base);
}

// Returns an MFA session for `profile`'s `serial`: from the cache while it
// lasts, else one GetSessionToken with a code typed on the terminal.
Result<SourceCredentials> mfa_session(const Credentials& long_term, const std::string& profile,
                                      const std::string& serial, ProviderContext& ctx) {
  const std::string key = mfa_session_cache_key(profile, serial);
  if (ctx.cache) {
    if (auto cached = ctx.cache->load(key, std::chrono::seconds(300)))
      return SourceCredentials{*cached, false};
  }
  if (!ctx.ask_mfa)
    return make_error("profile \"" + profile +
                      "\" needs an MFA code (mfa_serial), and cx cannot "
                      "ask for one here");
  auto code = ctx.ask_mfa(profile, serial);
  if (!code) return code.error();
  auto sts = sts_for(ctx);
  if (!sts) return sts.error();
  GetSessionTokenParams p;
  p.duration_seconds = kMfaSessionSeconds;
  p.serial_number = serial;
  p.token_code = *code;
  SourceIdentity who;
  who.profile = profile;
  auto session = sts->get_session_token(long_term, p, who);
  if (!session) return session.error();
  if (ctx.cache) {
    if (auto st = ctx.cache->store(key, *session); !st && ctx.notice)
      ctx.notice("cannot cache the MFA session: " + st.error().message);
  }
  return SourceCredentials{*session, false};
}

std::optional<std::string> source_profile_mfa_serial(const profile::CredentialChain& chain,
                                                     const ProviderContext& ctx) {
  if (!ctx.profiles || !chain.hops.empty()) return std::nullopt;
  if (!std::holds_alternative<profile::StaticKeys>(chain.base)) return std::nullopt;
  const auto* props = ctx.profiles->profile(chain.profile);
  if (!props) return std::nullopt;
  return profile::get(*props, "mfa_serial");
}

}  // namespace

Result<SourceCredentials> source_credentials(const profile::CredentialChain& chain,
                                             ProviderContext& ctx) {
  auto current = base_credentials(chain, ctx);
  if (!current) return current.error();
  if (auto serial = source_profile_mfa_serial(chain, ctx)) {
    current = mfa_session(current->creds, chain.profile, *serial, ctx);
    if (!current) return current.error();
  }
  for (const auto& hop : chain.hops) {
    AssumeRoleParams p;
    p.role_arn = hop.role_arn;
    p.session_name = hop.role_session_name.empty() ? sanitize_session_name("cx-" + hop.profile)
                                                   : hop.role_session_name;
    p.duration_seconds = hop.duration_seconds;
    p.external_id = hop.external_id;
    if (!hop.mfa_serial.empty()) {
      if (!current->creds.temporary()) {
        // Long-term keys: one MFA session serves this and later runs.
        current = mfa_session(current->creds, hop.profile, hop.mfa_serial, ctx);
        if (!current) return current.error();
      } else {
        // GetSessionToken needs long-term keys; pass the code to AssumeRole.
        if (!ctx.ask_mfa)
          return make_error("profile \"" + hop.profile +
                            "\" needs an MFA code (mfa_serial), "
                            "and cx cannot ask for one here");
        auto code = ctx.ask_mfa(hop.profile, hop.mfa_serial);
        if (!code) return code.error();
        p.serial_number = hop.mfa_serial;
        p.token_code = *code;
      }
    }
    if (current->role_session && p.duration_seconds &&
        *p.duration_seconds > kRoleChainingMaxSeconds)
      p.duration_seconds = kRoleChainingMaxSeconds;
    auto sts = sts_for(ctx);
    if (!sts) return sts.error();
    SourceIdentity who;
    who.profile = hop.profile;
    auto assumed = sts->assume_role(current->creds, p, who);
    if (!assumed) return assumed.error();
    current = SourceCredentials{assumed->credentials, true};
  }
  return current;
}

Result<AssumedRole> assume_agent_role(const SourceCredentials& source, const RoleRequest& req,
                                      const profile::CredentialChain& chain, ProviderContext& ctx) {
  if (req.policy.size() > kMaxSessionPolicyChars)
    return make_error("the session policy (CX_SESSION_POLICY) has " +
                          std::to_string(req.policy.size()) + " characters; STS allows " +
                          std::to_string(kMaxSessionPolicyChars),
                      "shorten it: remove whitespace, or narrow the role itself instead");
  auto sts = sts_for(ctx);
  if (!sts) return sts.error();
  AssumeRoleParams p;
  p.role_arn = req.role_arn;
  p.session_name = req.session_name;
  p.duration_seconds = req.duration_seconds;
  if (source.role_session && req.duration_seconds > kRoleChainingMaxSeconds) {
    p.duration_seconds = kRoleChainingMaxSeconds;
    if (ctx.notice)
      ctx.notice("AWS_SESSION_DURATION=" + std::to_string(req.duration_seconds) +
                 " capped to 3600 s: the source credentials are a role session (role chaining)");
  }
  p.external_id = req.external_id;
  p.policy = req.policy;
  return sts->assume_role(source.creds, p, identity_of(chain));
}

namespace {
std::string agent_cache_key(const profile::CredentialChain& chain, const RoleRequest& req) {
  return role_cache_key(chain.profile, req.role_arn, req.policy, req.duration_seconds,
                        req.external_id, req.session_name);
}
}  // namespace

std::optional<Credentials> cached_agent_role_credentials(const profile::CredentialChain& chain,
                                                         const RoleRequest& req,
                                                         ProviderContext& ctx) {
  if (!ctx.cache) return std::nullopt;
  return ctx.cache->load(agent_cache_key(chain, req), ctx.cache_margin);
}

Result<Credentials> agent_role_credentials(const profile::CredentialChain& chain,
                                           const RoleRequest& req, ProviderContext& ctx,
                                           bool use_cached) {
  const std::string key = agent_cache_key(chain, req);
  if (ctx.cache && use_cached) {
    if (auto cached = ctx.cache->load(key, ctx.cache_margin)) return *cached;
  }
  auto source = source_credentials(chain, ctx);
  if (!source) return source.error();
  auto assumed = assume_agent_role(*source, req, chain, ctx);
  if (!assumed) return assumed.error();
  if (ctx.cache) {
    if (auto st = ctx.cache->store(key, assumed->credentials); !st && ctx.notice)
      ctx.notice("cannot cache the role's credentials: " + st.error().message);
  }
  return assumed->credentials;
}

}  // namespace cx::aws
