#pragma once
// Cost attribution through an application inference profile. Claude Code
// calls more than ANTHROPIC_MODEL in one session (another large model, a
// small one for background work), each named by a key of its own; a request
// for a model whose key is not a profile's ARN is billed outside the profile
// and carries none of its cost allocation tags.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/env.h"

namespace cx::config {

// The keys Claude Code reads for the models it calls besides ANTHROPIC_MODEL
// (ANTHROPIC_SMALL_FAST_MODEL is the older name of the small one).
inline constexpr std::array<std::string_view, 4> kModelSlotKeys = {
    "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL"};

// ANTHROPIC_MODEL is an application inference profile and some slot keys are not.
struct ProfileGap {
  std::string profile;             // ANTHROPIC_MODEL's value
  std::vector<std::string> keys;   // unset or not a profile ARN, in kModelSlotKeys order
  std::vector<std::string> lines;  // the config lines that close the gap, one per key
};

// Returns the config line that sets `key` to `arn`, as the config file reads it.
std::string profile_line(std::string_view key, std::string_view arn);

// `value` answers what the container gets for a key (nullopt: unset).
// Returns the gap, or nullopt when ANTHROPIC_MODEL is not an application
// inference profile ARN or every slot key is one.
std::optional<ProfileGap> find_profile_gap(const EnvLookup& value);

// The warning `cx doctor` prints for `gap`: what escapes the profile, then
// the lines to add to `config_path`, one an indented line. A key named in
// `pass_env` would take the host's value over the file's, so the warning
// says to remove it from CX_PASS_ENV.
std::string profile_gap_warning(const ProfileGap& gap, std::string_view config_path,
                                const std::vector<std::string>& pass_env);

}  // namespace cx::config
