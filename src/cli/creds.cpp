// `cx creds`: the role's temporary credentials, exactly as the agent gets them.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/credentials.h"
#include "util/fatal.h"
#include "util/iso8601.h"
#include "util/shell_words.h"

namespace cx::cli {

int cmd_creds(const Invocation& inv) {
  config::Settings s = load_config_or_die(kExitFailure);
  std::error_code ec;
  std::string project = std::filesystem::current_path(ec).string();
  AgentCredentialSource source(s, project, kExitFailure);
  const aws::Credentials c = unwrap(source.issue(), kExitFailure);
  std::string expiration = c.expiration ? format_iso8601(*c.expiration) : std::string();

  if (inv.creds_format == "env") {
    auto line = [](const char* k, const std::string& v) {
      std::printf("export %s=%s\n", k, quote_shell_word(v).c_str());
    };
    line("AWS_ACCESS_KEY_ID", c.access_key_id);
    line("AWS_SECRET_ACCESS_KEY", c.secret_access_key);
    if (!c.session_token.empty()) line("AWS_SESSION_TOKEN", c.session_token);
    if (!expiration.empty()) line("AWS_CREDENTIAL_EXPIRATION", expiration);
    line("AWS_REGION", source.region());
    return 0;
  }
  nlohmann::ordered_json j;
  if (inv.creds_format == "process") j["Version"] = 1;
  nlohmann::ordered_json& body = inv.creds_format == "json" ? j["Credentials"] : j;
  body["AccessKeyId"] = c.access_key_id;
  body["SecretAccessKey"] = c.secret_access_key;
  if (!c.session_token.empty()) body["SessionToken"] = c.session_token;
  if (!expiration.empty()) body["Expiration"] = expiration;
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace cx::cli
