// The agent's credentials: resolve AWS_PROFILE into its chain, walk it, and
// assume AWS_IAM_ROLE. Shared by sessions and `cx creds`.
#include "cli/credentials.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/profile/chain.h"
#include "aws/profile/files.h"
#include "aws/profile/region.h"
#include "aws/role_provider.h"
#include "aws/session_name.h"
#include "util/curl_http.h"
#include "util/env.h"
#include "util/fatal.h"

namespace cx::cli {
namespace {

std::string user_name() {
  if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid" + std::to_string(::getuid());
}

std::string read_policy_file(const std::string& path, int exit_code) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Fatal("cannot read CX_SESSION_POLICY file " + path, exit_code);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

AgentCredentials agent_credentials(const config::Settings& s, const std::string& project_dir,
                                   bool dry_run, int exit_code) {
  auto env = process_env();
  auto profiles = unwrap(aws::profile::load_profile_set(env), exit_code);
  std::optional<std::string> configured;
  if (s.aws_profile_explicit) configured = s.aws_profile;
  auto chain = unwrap(aws::profile::resolve_source_chain(profiles, configured, env), exit_code);

  std::string region;
  if (s.aws_region)
    region = *s.aws_region;
  else if (auto r = aws::profile::resolve_region(profiles, chain.profile, env))
    region = *r;
  if (region.empty())
    throw Fatal("no AWS region for the session", exit_code,
                "set AWS_REGION in " + s.path + " (the Bedrock region, e.g. us-east-1)");

  AgentCredentials out;
  out.region = region;
  if (dry_run) {
    out.creds.access_key_id = "<access-key-id>";
    out.creds.secret_access_key = "<redacted>";
    out.creds.session_token = "<redacted>";
    return out;
  }

  CurlHttpClient http;
  SystemClock clock;
  aws::ProviderContext ctx{http, clock, env, region, [](const std::string& n) {
                             std::fprintf(stderr, "cx: notice: %s\n", n.c_str());
                           }};
  auto source = unwrap(aws::source_credentials(chain, ctx), exit_code);

  aws::RoleRequest req;
  req.role_arn = s.aws_iam_role;
  req.session_name = s.role_session_name
                         ? *s.role_session_name
                         : aws::default_session_name(
                               user_name(), std::filesystem::path(project_dir).filename().string());
  req.duration_seconds = s.session_duration;
  if (s.external_id) req.external_id = *s.external_id;
  if (s.session_policy) req.policy = read_policy_file(*s.session_policy, exit_code);
  auto assumed = unwrap(aws::assume_agent_role(source, req, chain, ctx), exit_code);
  out.creds = assumed.credentials;
  return out;
}

}  // namespace cx::cli
