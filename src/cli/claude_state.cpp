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

namespace {

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string newest_conversation(const std::string& dir, std::filesystem::file_time_type since,
                                size_t max_entries) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Claude names a project's directory after its path, / becoming -.
  fs::directory_iterator it(fs::path(dir) / "projects" / "-src", ec);
  std::string best;
  fs::file_time_type best_time = since;
  size_t seen = 0;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (++seen > max_entries) break;
    const fs::path& p = it->path();
    if (p.extension() != ".jsonl" || !is_uuid(p.stem().string())) continue;
    const fs::file_status st = it->symlink_status(ec);
    if (ec || !fs::is_regular_file(st)) continue;
    const fs::file_time_type t = it->last_write_time(ec);
    if (ec || t < best_time) continue;
    best_time = t;
    best = p.stem().string();
  }
  return best;
}

}  // namespace cx::cli
