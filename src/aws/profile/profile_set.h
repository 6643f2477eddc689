#pragma once
// ProfileSet: the profiles and sso-sessions of ~/.aws/config merged with the
// profiles of ~/.aws/credentials, with the AWS SDKs' rules: `[profile x]` (or
// `[default]`) in config, `[x]` in credentials, `[sso-session x]` in config,
// invalid names ignored, credentials overriding config key by key.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/profile/ini.h"
#include "util/result.h"

namespace cx::aws::profile {

using Properties = std::map<std::string, std::string>;  // lower-cased key -> value

struct ProfileSet {
  std::map<std::string, Properties> profiles;      // by name (case-sensitive)
  std::map<std::string, Properties> sso_sessions;  // by name
  // How the two files are named in messages ("~/.aws/config" or $AWS_CONFIG_FILE).
  std::string config_file_name = "~/.aws/config";
  std::string credentials_file_name = "~/.aws/credentials";

  // Returns the profile's properties, or nullptr when there is no such profile.
  const Properties* profile(const std::string& name) const;
  // Returns the sso-session's properties, or nullptr when there is none.
  const Properties* sso_session(const std::string& name) const;
};

// Returns the value of `key`, or nullopt when it is absent or empty (an empty
// `aws_session_token =` line means "no token", not "a token of zero length").
std::optional<std::string> get(const Properties& p, const std::string& key);

// Merges the parsed files; only structure (names, precedence) is decided here.
ProfileSet merge_profile_files(const IniFile& config, const IniFile& credentials);

// Parses and merges the two files' texts; the names are used in errors.
Result<ProfileSet> parse_profile_files(std::string_view config_text,
                                       std::string_view credentials_text,
                                       std::string config_file_name = "~/.aws/config",
                                       std::string credentials_file_name = "~/.aws/credentials");

}  // namespace cx::aws::profile
