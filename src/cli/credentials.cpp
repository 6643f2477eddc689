// The agent's credentials: resolve AWS_PROFILE into its chain, walk it, and
// assume AWS_IAM_ROLE. Shared by sessions and `cx creds`.
#include "cli/credentials.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "aws/profile/files.h"
#include "aws/profile/region.h"
#include "aws/session_name.h"
#include "proc/tty_prompt.h"
#include "util/bounded_file.h"
#include "util/env.h"
#include "util/fatal.h"

namespace cx::cli {
namespace {

std::string user_name() {
  if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid" + std::to_string(::getuid());
}

std::string read_policy_file(const std::string& path, int exit_code) {
  BoundedRead file = read_bounded_file(path, config::kMaxSessionPolicyBytes);
  if (!file.ok())
    throw Fatal("cannot read CX_SESSION_POLICY file " + path + ": " + file.why, exit_code);
  return std::move(file.text);
}

}  // namespace

AgentCredentialSource::AgentCredentialSource(const config::Settings& s,
                                             const std::string& project_dir, int exit_code) {
  EnvLookup env = process_env();
  profiles_ = unwrap(aws::profile::load_profile_set(env), exit_code);
  std::optional<std::string> configured;
  if (s.aws_profile_explicit) configured = s.aws_profile;
  chain_ = unwrap(aws::profile::resolve_source_chain(profiles_, configured, env), exit_code);

  if (s.aws_region)
    region_ = *s.aws_region;
  else if (auto r = aws::profile::resolve_region(profiles_, chain_.profile, env))
    region_ = *r;
  if (region_.empty())
    throw Fatal("no AWS region for the session", exit_code,
                "set AWS_REGION in " + s.path + " (the Bedrock region, e.g. us-east-1)");

  request_.role_arn = s.aws_iam_role;
  request_.session_name =
      s.role_session_name
          ? *s.role_session_name
          : aws::default_session_name(user_name(),
                                      std::filesystem::path(project_dir).filename().string());
  request_.duration_seconds = s.session_duration;
  if (s.external_id) request_.external_id = *s.external_id;
  if (s.session_policy) request_.policy = read_policy_file(*s.session_policy, exit_code);

  if (s.cache) cache_ = std::make_unique<aws::CredentialCache>(aws::default_cache_dir(env), clock_);
  ctx_ = std::make_unique<aws::ProviderContext>(aws::ProviderContext{
      .http = http_,
      .clock = clock_,
      .env = env,
      .region = region_,
      .profiles = &profiles_,
      .cache = cache_.get(),
      .cache_margin = std::chrono::seconds(s.refresh_margin),
      .ask_mfa = [](const std::string& profile,
                    const std::string& serial) { return proc::ask_mfa_code(profile, serial); },
      .notice = [](const std::string& n) { std::fprintf(stderr, "cx: notice: %s\n", n.c_str()); },
  });
}

std::optional<aws::Credentials> AgentCredentialSource::cached() {
  return aws::cached_agent_role_credentials(chain_, request_, *ctx_);
}

Result<aws::Credentials> AgentCredentialSource::issue(bool use_cached) {
  return aws::agent_role_credentials(chain_, request_, *ctx_, use_cached);
}

}  // namespace cx::cli
