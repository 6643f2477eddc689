#include "aws/profile/profile_set.h"

#include <cctype>
#include <vector>

namespace cx::aws::profile {
namespace {

// The SDKs accept these characters in profile, sso-session and property names.
bool valid_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
        std::string_view("_-/.%@:+").find(c) == std::string_view::npos)
      return false;
  }
  return true;
}

// If `header` is `PREFIX<whitespace>NAME`, returns NAME trimmed.
std::optional<std::string_view> strip_prefix(std::string_view header, std::string_view prefix) {
  if (header.size() <= prefix.size() || header.substr(0, prefix.size()) != prefix) return {};
  std::string_view rest = header.substr(prefix.size());
  if (rest.front() != ' ' && rest.front() != '\t') return {};
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  return rest;
}

void add_properties(Properties& into, const IniSection& section) {
  for (const auto& [key, value] : section.properties) {
    if (valid_identifier(key)) into[key] = value;
  }
}

}  // namespace

const Properties* ProfileSet::profile(const std::string& name) const {
  auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

const Properties* ProfileSet::sso_session(const std::string& name) const {
  auto it = sso_sessions.find(name);
  return it == sso_sessions.end() ? nullptr : &it->second;
}

std::optional<std::string> get(const Properties& p, const std::string& key) {
  auto it = p.find(key);
  if (it == p.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

ProfileSet merge_profile_files(const IniFile& config, const IniFile& credentials) {
  ProfileSet set;
  // In config, `[profile default]` wins over `[default]`: when both exist the
  // unprefixed sections are ignored entirely rather than merged.
  bool prefixed_default = false;
  for (const IniSection& s : config.sections) {
    if (strip_prefix(s.header, "profile") == std::string_view("default")) prefixed_default = true;
  }
  for (const IniSection& s : config.sections) {
    if (s.header == "default") {
      if (!prefixed_default) add_properties(set.profiles["default"], s);
    } else if (auto name = strip_prefix(s.header, "profile")) {
      if (valid_identifier(*name)) add_properties(set.profiles[std::string(*name)], s);
    } else if (auto session = strip_prefix(s.header, "sso-session")) {
      if (valid_identifier(*session)) add_properties(set.sso_sessions[std::string(*session)], s);
    }
    // Anything else (`[foo]` without the prefix, typos) is ignored, as the SDKs do.
  }
  for (const IniSection& s : credentials.sections) {
    if (valid_identifier(s.header)) add_properties(set.profiles[s.header], s);
  }
  return set;
}

Result<ProfileSet> parse_profile_files(std::string_view config_text,
                                       std::string_view credentials_text,
                                       std::string config_file_name,
                                       std::string credentials_file_name) {
  auto config = parse_ini(config_text, config_file_name);
  if (!config) return config.error();
  auto credentials = parse_ini(credentials_text, credentials_file_name);
  if (!credentials) return credentials.error();
  ProfileSet set = merge_profile_files(*config, *credentials);
  set.config_file_name = std::move(config_file_name);
  set.credentials_file_name = std::move(credentials_file_name);
  return set;
}

}  // namespace cx::aws::profile
