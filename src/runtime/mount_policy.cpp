#include "runtime/mount_policy.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "runtime/container_contract.h"
#include "runtime/run_command.h"

namespace cx::runtime {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> real_path(const fs::path& p) {
  std::error_code ec;
  auto r = fs::canonical(p, ec);
  if (ec) return std::nullopt;
  return r;
}

// True when `ancestor` is `p` or one of its parents (both canonical).
bool contains(const fs::path& ancestor, const fs::path& p) {
  auto a = ancestor.begin();
  auto b = p.begin();
  for (; a != ancestor.end(); ++a, ++b) {
    if (b == p.end() || *a != *b) return false;
  }
  return true;
}

// Why a user mount may not go to `container` (absolute), or nothing: cx's own
// mounts there would be hidden or would clash. Below /src is fine (a
// submount of the project); below the broker's directory or the state is not.
std::optional<std::string> reserved_target(const std::string& container) {
  std::string p = fs::path(container).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const fs::path target(p);
  if (p == kProjectMountPoint) return std::string("/src is where cx mounts the project");
  if (contains(kBrokerMountPoint, target))
    return std::string(kBrokerMountPoint) + " holds cx's sockets and the credential token";
  if (contains(kClaudeStateMountPoint, target))
    return std::string(kClaudeStateMountPoint) + " is Claude's state, which CX_PERSIST manages";
  return std::nullopt;
}

// The reason `dir` (canonical) must not be mounted, or nothing.
std::optional<std::string> refusal(const fs::path& dir, const std::string& home) {
  if (dir == dir.root_path()) return "it is the root directory";
  if (home.empty()) return std::nullopt;
  const fs::path lexical_home = fs::path(home).lexically_normal();
  const fs::path real_home = real_path(home).value_or(lexical_home);
  if (dir == real_home) return "it is your home directory";

  // Both where the secrets are named (under the real home) and where they
  // really are, in case ~/.ssh or ~/.aws is a symlink to elsewhere.
  for (const char* secret : {".ssh", ".aws"}) {
    std::vector<fs::path> places{real_home / secret};
    if (auto target = real_path(lexical_home / secret)) places.push_back(*target);
    for (const auto& place : places) {
      const std::string shown = "~/" + std::string(secret);
      if (contains(dir, place)) return "it contains " + shown + " (" + place.string() + ")";
      if (contains(place, dir)) return "it is inside " + shown + " (" + place.string() + ")";
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> check_project_dir(const std::string& dir, const std::string& home,
                                      bool allow_home) {
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  if (ec) {
    return make_error("cannot resolve the project directory " + dir + ": " + ec.message(),
                      "run cx from an existing project directory");
  }
  if (!fs::is_directory(real, ec)) {
    return make_error("the project directory " + real.string() + " is not a directory");
  }
  if (!allow_home) {
    if (auto why = refusal(real, home)) {
      return make_error("refusing to mount " + real.string() + " at /src: " + *why,
                        "cd into a project directory, or pass --allow-home to mount it anyway");
    }
  }
  return real.string();
}

Result<std::vector<Mount>> check_user_mounts(const std::vector<Mount>& mounts,
                                             const std::string& home, bool allow_home) {
  std::vector<Mount> checked;
  for (const auto& m : mounts) {
    if (auto why = reserved_target(m.container)) {
      return make_error("CX_MOUNTS entry " + m.host + ":" + m.container + " mounts over " +
                            m.container + ": " + *why,
                        "give it another container path");
    }
    std::error_code ec;
    const fs::path real = fs::canonical(m.host, ec);
    if (ec) {
      return make_error("CX_MOUNTS host path " + m.host + " cannot be mounted: " + ec.message(),
                        "create it, or remove it from CX_MOUNTS");
    }
    if (!allow_home) {
      if (auto why = refusal(real, home)) {
        return make_error("refusing to mount " + real.string() + " (CX_MOUNTS): " + *why,
                          "mount a narrower directory in CX_MOUNTS, or pass --allow-home");
      }
    }
    Mount out = m;
    out.host = real.string();
    checked.push_back(std::move(out));
  }
  return checked;
}

}  // namespace cx::runtime
