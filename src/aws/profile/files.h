#pragma once
// Where the shared AWS files are (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
// else ~/.aws/config and ~/.aws/credentials) and loading them into a ProfileSet.

#include <cstddef>
#include <string>

#include "aws/profile/profile_set.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::aws::profile {

// Either file larger than this is refused (a config generated for thousands
// of SSO accounts and roles stays far below it).
inline constexpr std::size_t kMaxProfileFileBytes = 8 * 1024 * 1024;

struct ProfileFilePaths {
  std::string config;            // path to open, `~` expanded
  std::string credentials;       // path to open, `~` expanded
  std::string config_name;       // as the user wrote it, for messages ("~/.aws/config")
  std::string credentials_name;  // as the user wrote it, for messages
};

// Expands a leading `~` or `~/` to $HOME (or the passwd entry when HOME is unset).
std::string expand_home(const std::string& path, const EnvLookup& env);

// Returns the two file locations the AWS CLI v2 would read.
ProfileFilePaths profile_file_paths(const EnvLookup& env);

// Reads and merges both files; a missing file counts as empty, an unreadable one is an error.
Result<ProfileSet> load_profile_set(const EnvLookup& env);

}  // namespace cx::aws::profile
