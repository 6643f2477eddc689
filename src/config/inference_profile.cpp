#include "config/inference_profile.h"

#include <algorithm>

#include "config/validators.h"
#include "util/shell_words.h"

namespace cx::config {

std::string profile_line(std::string_view key, std::string_view arn) {
  return std::string(key) + "=" + quote_shell_word(arn);
}

std::optional<ProfileGap> find_profile_gap(const EnvLookup& value) {
  const std::optional<std::string> model = value("ANTHROPIC_MODEL");
  if (!model || !check_inference_profile_arn(*model)) return std::nullopt;
  ProfileGap gap;
  gap.profile = *model;
  for (std::string_view key : kModelSlotKeys) {
    const std::optional<std::string> v = value(key);
    if (v && check_inference_profile_arn(*v)) continue;
    gap.keys.emplace_back(key);
    gap.lines.push_back(profile_line(key, gap.profile));
  }
  if (gap.keys.empty()) return std::nullopt;
  return gap;
}

std::string profile_gap_warning(const ProfileGap& gap, std::string_view config_path,
                                const std::vector<std::string>& pass_env) {
  std::string keys, passed;
  for (const std::string& k : gap.keys) {
    keys += (keys.empty() ? "" : ", ") + k;
    if (std::find(pass_env.begin(), pass_env.end(), k) != pass_env.end())
      passed += (passed.empty() ? "" : " ") + k;
  }
  std::string text = "ANTHROPIC_MODEL is an application inference profile, but " + keys +
                     (gap.keys.size() == 1 ? " is" : " are") +
                     " unset or not one: Claude Code's requests for those models escape the "
                     "profile and its cost allocation tags; add to " +
                     std::string(config_path);
  if (!passed.empty()) text += " (and remove " + passed + " from CX_PASS_ENV)";
  text += ":";
  for (const std::string& line : gap.lines) text += "\n    " + line;
  return text;
}

}  // namespace cx::config
