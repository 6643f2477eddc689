#include "runtime/mount_policy.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "runtime/container_contract.h"
#include "runtime/run_command.h"
#include "util/private_fs.h"

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

// `p` resolved as far as it exists: the real path of its longest existing
// prefix, with the rest appended (a directory cx has not made yet, such as
// ~/.cache/cx, is still guarded where it will be).
fs::path resolved(const fs::path& p) {
  const fs::path lexical = p.lexically_normal();
  fs::path head = lexical, tail;
  while (!head.empty() && head != head.root_path()) {
    if (auto r = real_path(head)) return (*r / tail).lexically_normal();
    tail = tail.empty() ? head.filename() : head.filename() / tail;
    head = head.parent_path();
  }
  return lexical;
}

// How `dir` (canonical) exposes `g`, or nothing: it is, contains, or is
// inside the guarded path (compared both as named and as resolved).
std::optional<std::string> exposes(const fs::path& dir, const Guarded& g) {
  for (const fs::path& place : {fs::path(g.path).lexically_normal(), resolved(g.path)}) {
    if (dir == place) return "it is " + g.what;
    if (contains(dir, place)) return "it contains " + g.what;
    if (contains(place, dir)) return "it is inside " + g.what;
  }
  return std::nullopt;
}

// A socket whose name says it is a container engine's API, wherever it is.
bool is_engine_socket(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_socket(p, ec)) return false;
  const std::string name = p.filename().string();
  for (const char* known : {"docker.sock", "podman.sock", "containerd.sock", "buildkitd.sock",
                            "nerdctl.sock", "dockershim.sock", "crio.sock"}) {
    const std::string k = known;
    if (name == k || (name.size() > k.size() && name.compare(name.size() - k.size(), k.size(), k) == 0 &&
                      (name[name.size() - k.size() - 1] == '-' || name[name.size() - k.size() - 1] == '.')))
      return true;
  }
  return false;
}

// Why `dir` (canonical) may never be mounted, --allow-home or not.
std::optional<std::string> never_refusal(const fs::path& dir, const MountRules& rules) {
  if (is_engine_socket(dir)) return std::string("it is a container engine's socket (host root)");
  for (const auto& g : rules.never)
    if (auto why = exposes(dir, g)) return why;
  return std::nullopt;
}

void add_warnings(const fs::path& dir, const MountRules& rules, const std::string& what,
                  std::vector<std::string>* warnings) {
  if (!warnings) return;
  for (const auto& g : rules.warn_on) {
    std::error_code ec;
    if (!fs::exists(g.path, ec)) continue;  // nothing there to read
    if (auto how = exposes(dir, g)) {
      // Only what the agent could read: the directory or a parent of it.
      if (how->rfind("it is inside", 0) == 0) continue;
      warnings->push_back(what + " " + dir.string() + ": " + *how + "; the agent can read them");
    }
  }
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

MountRules mount_rules(const std::string& home, const EnvLookup& env, bool allow_home) {
  MountRules r{home, allow_home, {}, {}};
  auto add = [&](std::vector<Guarded>& to, const std::string& path, const std::string& what) {
    if (!path.empty() && path[0] == '/') to.push_back({path, what});
  };
  add(r.never, xdg_cx_dir(env, "XDG_CACHE_HOME", ".cache"), "cx's credential cache");
  add(r.never, xdg_cx_dir(env, "XDG_STATE_HOME", ".local/state"),
      "cx's session state (Claude's state of every project, every audit log)");
  // The runtimes' API sockets: whoever can write one is root on its host.
  const std::string what = "a container runtime's socket (host root)";
  for (const char* p : {"/run/docker.sock", "/var/run/docker.sock", "/run/podman/podman.sock",
                        "/var/run/podman/podman.sock", "/run/containerd/containerd.sock",
                        "/run/buildkit/buildkitd.sock", "/run/crio/crio.sock"})
    add(r.never, p, what);
  if (auto xdg = env("XDG_RUNTIME_DIR"); xdg && !xdg->empty()) {
    add(r.never, *xdg + "/docker.sock", what);
    add(r.never, *xdg + "/podman/podman.sock", what);
    add(r.never, *xdg + "/containerd-rootless", what);
    add(r.never, *xdg + "/buildkit", what);
  }
  for (const char* var : {"DOCKER_HOST", "CONTAINER_HOST"}) {
    if (auto v = env(var); v && v->rfind("unix://", 0) == 0) add(r.never, v->substr(7), what);
  }
  if (!home.empty()) {
    // Docker Desktop, Colima, Lima, podman machine and Rancher Desktop keep
    // theirs in home, where they exist (so that ~/.docker alone only warns
    // on a machine without Docker Desktop).
    for (const char* rel : {"/.docker/run", "/.docker/desktop", "/.colima", "/.lima",
                            "/.local/share/containers/podman/machine", "/.rd"}) {
      std::error_code ec;
      if (fs::exists(home + rel, ec)) add(r.never, home + rel, what);
    }
    for (const auto& [rel, desc] : std::vector<std::pair<std::string, std::string>>{
             {".kube", "~/.kube (cluster credentials)"},
             {".config/gcloud", "~/.config/gcloud (Google Cloud credentials)"},
             {".docker", "~/.docker (registry credentials)"},
             {".azure", "~/.azure (Azure credentials)"},
             {".config/gh", "~/.config/gh (GitHub tokens)"},
             {".gnupg", "~/.gnupg (private keys)"},
             {".netrc", "~/.netrc (passwords)"}})
      add(r.warn_on, home + "/" + rel, desc);
  }
  return r;
}

Result<std::string> check_project_dir(const std::string& dir, const MountRules& rules,
                                      std::vector<std::string>* warnings) {
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  if (ec) {
    return make_error("cannot resolve the project directory " + dir + ": " + ec.message(),
                      "run cx from an existing project directory");
  }
  if (!fs::is_directory(real, ec)) {
    return make_error("the project directory " + real.string() + " is not a directory");
  }
  if (auto why = never_refusal(real, rules)) {
    return make_error("refusing to mount " + real.string() + " at /src: " + *why,
                      "cd into a project directory that does not hold it");
  }
  if (!rules.allow_home) {
    if (auto why = refusal(real, rules.home)) {
      return make_error("refusing to mount " + real.string() + " at /src: " + *why,
                        "cd into a project directory, or pass --allow-home to mount it anyway");
    }
  }
  add_warnings(real, rules, "the project directory", warnings);
  return real.string();
}

Result<std::vector<Mount>> check_user_mounts(const std::vector<Mount>& mounts,
                                             const MountRules& rules,
                                             std::vector<std::string>* warnings) {
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
    if (auto why = never_refusal(real, rules)) {
      return make_error("refusing to mount " + real.string() + " (CX_MOUNTS): " + *why,
                        "remove it from CX_MOUNTS; cx never mounts it");
    }
    if (!rules.allow_home) {
      if (auto why = refusal(real, rules.home)) {
        return make_error("refusing to mount " + real.string() + " (CX_MOUNTS): " + *why,
                          "mount a narrower directory in CX_MOUNTS, or pass --allow-home");
      }
    }
    add_warnings(real, rules, "CX_MOUNTS entry", warnings);
    Mount out = m;
    out.host = real.string();
    checked.push_back(std::move(out));
  }
  return checked;
}

}  // namespace cx::runtime
