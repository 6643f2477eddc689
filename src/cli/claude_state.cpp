#include "cli/claude_state.h"

#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/digest.h"
#include "util/private_fs.h"

namespace cx::cli {

std::string claude_state_dir(config::PersistMode mode, const std::string& project_dir,
                             const EnvLookup& env) {
  if (mode == config::PersistMode::kNone) return {};
  std::string base = xdg_cx_dir(env, "XDG_STATE_HOME", ".local/state") + "/claude";
  if (mode == config::PersistMode::kShared) return base + "/shared";
  // The hash keys it; the name is for a human looking at the directory.
  std::string name;
  for (char c : std::filesystem::path(project_dir).filename().string())
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  if (name.size() > 32) name.resize(32);
  return base + "/projects/" + sha256_hex(project_dir).substr(0, 16) + "-" + name;
}

Status prepare_claude_state(const std::string& dir) {
  if (auto ok = ensure_private_dir(dir, "Claude state directory"); !ok) return ok;
  const std::string config = dir + "/.claude.json";
  struct stat st;
  if (::lstat(config.c_str(), &st) == 0) return Ok{};
  // The container is the trust boundary cx draws around /src; Claude's own
  // first-run questions would only repeat on every fresh state.
  nlohmann::json seed = {
      {"hasCompletedOnboarding", true},
      {"projects", {{"/src", {{"hasTrustDialogAccepted", true}}}}},
  };
  return write_private_file(config, seed.dump(2) + "\n");
}

}  // namespace cx::cli
