#pragma once
// Which host directories cx agrees to mount into a container: never the
// root, the home directory, or anything that would expose ~/.aws or ~/.ssh,
// unless the user says --allow-home.

#include <string>
#include <vector>

#include "runtime/mount.h"
#include "util/result.h"

namespace cx::runtime {

// Checks the project directory mounted at /src and returns its real path
// (symlinks and `..` resolved), which is what should be mounted.
Result<std::string> check_project_dir(const std::string& dir, const std::string& home,
                                      bool allow_home);

// Checks the CX_MOUNTS host paths (they must exist, and obey the same rule as
// the project directory) and their container paths (not where cx mounts the
// project, the broker's directory or Claude's state), and returns the mounts
// with real host paths.
Result<std::vector<Mount>> check_user_mounts(const std::vector<Mount>& mounts,
                                             const std::string& home, bool allow_home);

}  // namespace cx::runtime
