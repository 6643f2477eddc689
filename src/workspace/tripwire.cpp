#include "workspace/tripwire.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include "util/digest.h"
#include "util/hex.h"
#include "util/private_fs.h"
#include "util/unique_fd.h"

namespace cx::workspace {
namespace {

using Kind = Entry::Kind;

// --- paths, one component at a time, never following a symlink ---------------------------------

std::vector<std::string> split(const std::string& rel) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    if (end > start) out.push_back(rel.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

UniqueFd open_dir_at(int at, const std::string& name) {
  return UniqueFd(::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

// The directory holding `rel`'s last component, reached from `root` through
// real directories only (made, 0755, when `create`); sets `leaf`.
UniqueFd open_parent(int root, const std::string& rel, std::string& leaf, bool create) {
  auto parts = split(rel);
  if (parts.empty()) return UniqueFd();
  leaf = parts.back();
  parts.pop_back();
  UniqueFd dir(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  for (const auto& p : parts) {
    if (p == "..") return UniqueFd();
    UniqueFd next = open_dir_at(dir.get(), p);
    if (!next && create && errno == ENOENT && ::mkdirat(dir.get(), p.c_str(), 0755) == 0)
      next = open_dir_at(dir.get(), p);
    if (!next) return UniqueFd();
    dir = std::move(next);
  }
  return dir;
}

// --- reading an entry ---------------------------------------------------------------------------

// A file's or link's digest (util/digest.h), in hex.
class Sha256 {
 public:
  void update(const char* p, size_t n) { s_.update(std::string_view(p, n)); }
  std::string hex() { return to_hex(s_.finish()); }

 private:
  Sha256Stream s_;
};

Entry read_entry(int dir, const std::string& name, const Limits& limits, size_t& kept) {
  Entry e;
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return e;  // kMissing
  e.mode = st.st_mode & 07777;
  if (S_ISDIR(st.st_mode)) {
    e.kind = Kind::kDir;
  } else if (S_ISLNK(st.st_mode)) {
    e.kind = Kind::kSymlink;
    std::string target(4096, '\0');
    const ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
    target.resize(n > 0 ? static_cast<size_t>(n) : 0);
    Sha256 h;
    h.update(target.data(), target.size());
    e.digest = h.hex();
    e.content = target;
  } else if (S_ISREG(st.st_mode)) {
    e.kind = Kind::kFile;
    // O_NONBLOCK: a FIFO swapped in between stat and open does not hang us.
    UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat fst {};
    if (!fd || ::fstat(fd.get(), &fst) != 0 || !S_ISREG(fst.st_mode)) {
      e.digest = "unreadable";
      return e;
    }
    Sha256 h;
    std::string data;
    bool keep = true;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      h.update(buf, static_cast<size_t>(n));
      if (keep) {
        if (data.size() + static_cast<size_t>(n) > limits.max_kept_bytes ||
            kept + data.size() + static_cast<size_t>(n) > limits.max_total_kept) {
          keep = false;
          data.clear();
          data.shrink_to_fit();
        } else {
          data.append(buf, static_cast<size_t>(n));
        }
      }
    }
    e.digest = h.hex();
    if (keep) {
      kept += data.size();
      e.content = std::move(data);
    }
  } else {
    e.kind = Kind::kOther;
  }
  return e;
}

bool same(const Entry& a, const Entry& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::kMissing) return true;
  if (a.kind != Kind::kSymlink && a.mode != b.mode) return false;
  return a.digest == b.digest;
}

// --- walking ------------------------------------------------------------------------------------

// The names in directory `dir` (not . and ..) with their d_type.
std::vector<std::pair<std::string, unsigned char>> list(int dir) {
  std::vector<std::pair<std::string, unsigned char>> out;
  UniqueFd copy(::fcntl(dir, F_DUPFD_CLOEXEC, 0));
  DIR* d = copy ? ::fdopendir(copy.get()) : nullptr;
  if (!d) return out;
  (void)copy.release();  // closedir closes it
  while (dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") == 0 || std::strcmp(de->d_name, "..") == 0) continue;
    out.emplace_back(de->d_name, de->d_type);
  }
  ::closedir(d);
  return out;
}

struct Walker {
  const Limits& limits;
  size_t& kept;
  size_t& scanned;
  bool truncated = false;

  // Every entry below `dir` into `out`, keyed `prefix/name`.
  void tree(int dir, const std::string& prefix, int depth, std::map<std::string, Entry>& out,
            size_t& count) {
    if (depth > limits.max_depth) {
      truncated = true;
      return;
    }
    auto names = list(dir);
    std::sort(names.begin(), names.end());
    for (const auto& [n, type] : names) {
      if (++count > limits.max_tree_entries) {
        truncated = true;
        return;
      }
      ++scanned;
      Entry e = read_entry(dir, n, limits, kept);
      const std::string rel = prefix + "/" + n;
      const bool is_dir = e.kind == Kind::kDir;
      out[rel] = std::move(e);
      if (is_dir) {
        UniqueFd sub = open_dir_at(dir, n);
        if (sub) tree(sub.get(), rel, depth + 1, out, count);
      }
    }
  }

  // Regular files below `dir` with S_ISUID, or S_ISGID with group execute.
  void setid(int dir, const std::string& prefix, int depth, std::map<std::string, unsigned>& out,
             size_t& count) {
    if (depth > limits.max_depth) {
      truncated = true;
      return;
    }
    std::vector<std::string> subdirs;
    for (const auto& [name, type] : list(dir)) {
      if (++count > limits.max_entries) {
        truncated = true;
        break;
      }
      ++scanned;
      if (type == DT_DIR) {
        subdirs.push_back(name);
        continue;
      }
      if (type != DT_REG && type != DT_UNKNOWN) continue;
      struct stat st {};
      if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        subdirs.push_back(name);
      } else if (S_ISREG(st.st_mode) &&
                 ((st.st_mode & S_ISUID) || ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)))) {
        out[prefix.empty() ? name : prefix + "/" + name] = st.st_mode & 07777;
      }
    }
    for (const auto& n : subdirs) {
      UniqueFd sub = open_dir_at(dir, n);
      if (sub) setid(sub.get(), prefix.empty() ? n : prefix + "/" + n, depth + 1, out, count);
    }
  }
};

// --- git config: the keys that make git run a program -------------------------------------------

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// section.sub.key -> value for every assignment (a simple reading of git's
// format: enough to name what changed, not to be git).
std::multimap<std::string, std::string> git_config_keys(const std::string& text) {
  std::multimap<std::string, std::string> out;
  std::string section;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      const size_t close = line.find(']');
      std::string inner = line.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      const size_t q = inner.find('"');
      if (q != std::string::npos) {
        std::string sub = inner.substr(q + 1);
        if (!sub.empty() && sub.back() == '"') sub.pop_back();
        section = lower(trim(inner.substr(0, q))) + "." + sub;
      } else {
        section = lower(trim(inner));
      }
      continue;
    }
    const size_t eq = line.find('=');
    const std::string key = lower(trim(line.substr(0, eq)));
    const std::string value = eq == std::string::npos ? "true" : trim(line.substr(eq + 1));
    out.emplace(section + "." + key, value);
  }
  return out;
}

bool runs_a_program(const std::string& key) {
  static const std::set<std::string> exact = {
      "core.hookspath", "core.fsmonitor",  "core.sshcommand", "core.pager",
      "core.editor",    "core.askpass",    "core.gitproxy",   "sequence.editor",
      "gpg.program",    "uploadpack.packobjectshook", "credential.helper",
      "include.path",   "diff.external"};
  if (exact.count(key)) return true;
  auto starts = [&](const char* p) { return key.rfind(p, 0) == 0; };
  auto ends = [&](const char* s) {
    const size_t n = std::strlen(s);
    return key.size() >= n && key.compare(key.size() - n, n, s) == 0;
  };
  return starts("alias.") || starts("filter.") || starts("includeif.") || starts("pager.") ||
         (starts("diff.") && (ends(".textconv") || ends(".command"))) ||
         (starts("merge.") && ends(".driver")) || (starts("credential.") && ends(".helper")) ||
         (starts("gpg.") && ends(".program"));
}

// "core.fsmonitor set to `x`, alias.st changed" for two versions of .git/config.
std::string git_config_change(const std::string& before, const std::string& after) {
  const auto a = git_config_keys(before), b = git_config_keys(after);
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  std::string out;
  auto values = [](const std::multimap<std::string, std::string>& m, const std::string& k) {
    std::vector<std::string> v;
    for (auto [it, end] = m.equal_range(k); it != end; ++it) v.push_back(it->second);
    return v;
  };
  for (const auto& k : keys) {
    if (!runs_a_program(k)) continue;
    const auto va = values(a, k), vb = values(b, k);
    if (va == vb) continue;
    if (!out.empty()) out += ", ";
    std::string shown = vb.empty() ? "" : vb.back();
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    out += vb.empty() ? k + " removed" : k + " set to `" + shown + "`";
  }
  return out;
}

std::string octal(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kMissing: return "nothing";
    case Kind::kFile: return "a file";
    case Kind::kDir: return "a directory";
    case Kind::kSymlink: return "a symlink";
    case Kind::kOther: return "a special file";
  }
  return "?";
}

// What runs it, for the line the user reads.
std::string consequence(const std::string& area, const std::string& path) {
  auto under = [&](const char* p) { return path.rfind(p, 0) == 0; };
  if (area == "claude state") return "read by the next session";
  if (under(".git/hooks")) return "git runs it on the host";
  if (path == ".git/config") return "git reads it on the host";
  if (path == ".gitattributes" || path == ".git/info/attributes") return "selects git filters on the host";
  if (path == ".gitmodules") return "git submodule reads it on the host";
  if (path == ".envrc") return "direnv runs it on the host";
  if (under(".vscode") || under(".devcontainer")) return "your editor may run it on the host";
  if (path == ".pre-commit-config.yaml") return "pre-commit runs it on the host";
  if (under(".claude") || path == ".mcp.json") return "Claude Code reads it in the next session";
  return "git runs it on the host (core.hooksPath)";
}

}  // namespace

std::vector<std::string> project_files() {
  return {".git/config",           ".git/info/attributes", ".gitattributes",
          ".gitmodules",           ".envrc",               ".vscode/tasks.json",
          ".vscode/settings.json", ".vscode/launch.json",  ".devcontainer/devcontainer.json",
          ".devcontainer.json",    ".pre-commit-config.yaml", ".mcp.json"};
}

std::vector<std::string> project_trees(const std::string& git_config_text) {
  std::vector<std::string> trees = {".git/hooks", ".claude"};
  const auto keys = git_config_keys(git_config_text);
  if (auto it = keys.find("core.hookspath"); it != keys.end()) {
    // A relative hooksPath is relative to the work tree; only a path inside
    // the project is the agent's to write.
    std::string p = std::filesystem::path(it->second).lexically_normal().string();
    while (!p.empty() && p.back() == '/') p.pop_back();
    if (!p.empty() && p[0] != '/' && p != "." && p.rfind("..", 0) != 0 &&
        std::find(trees.begin(), trees.end(), p) == trees.end())
      trees.push_back(p);
  }
  return trees;
}

std::vector<std::string> state_files() {
  return {"settings.json", "settings.local.json", "CLAUDE.md"};
}

std::vector<std::string> state_trees() { return {"hooks", "commands", "agents", "skills", "plugins"}; }

namespace {

// Snapshot of one area: the listed files, every entry of the listed trees.
Area snapshot(const std::string& label, const std::string& root,
              const std::vector<std::string>& files, const std::vector<std::string>& trees,
              bool scan_setid, const Limits& limits, size_t& kept, size_t& scanned) {
  Area a{label, root, {}, {}, false};
  UniqueFd rootfd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) return a;
  Walker w{limits, kept, scanned};
  for (const auto& f : files) {
    std::string leaf;
    UniqueFd parent = open_parent(rootfd.get(), f, leaf, false);
    a.entries[f] = parent ? read_entry(parent.get(), leaf, limits, kept) : Entry{};
    ++scanned;
  }
  for (const auto& t : trees) {
    std::string leaf;
    UniqueFd parent = open_parent(rootfd.get(), t, leaf, false);
    Entry top = parent ? read_entry(parent.get(), leaf, limits, kept) : Entry{};
    const bool is_dir = top.kind == Kind::kDir;
    a.entries[t] = std::move(top);
    if (is_dir) {
      UniqueFd d = open_dir_at(parent.get(), leaf);
      size_t count = 0;
      if (d) w.tree(d.get(), t, 0, a.entries, count);
    }
  }
  if (scan_setid) {
    size_t count = 0;
    w.setid(rootfd.get(), "", 0, a.setid, count);
  }
  a.truncated = w.truncated;
  return a;
}

std::string describe(const Entry& before, const Entry& after, const std::string& path) {
  if (before.kind == Kind::kMissing) return std::string("added (") + kind_name(after.kind) + ")";
  if (after.kind == Kind::kMissing) return "removed";
  if (before.kind != after.kind)
    return std::string("replaced: ") + kind_name(before.kind) + " became " + kind_name(after.kind);
  if (before.kind == Kind::kSymlink)
    return "symlink now points to `" + after.content.value_or("?") + "`";
  std::string what;
  if (before.digest != after.digest) {
    what = "modified";
    if (path == ".git/config" && before.content && after.content) {
      const std::string keys = git_config_change(*before.content, *after.content);
      if (!keys.empty()) what += ": " + keys;
    }
  }
  if (before.mode != after.mode) {
    if (!what.empty()) what += ", ";
    what += "mode " + octal(before.mode) + " -> " + octal(after.mode);
  }
  return what;
}

std::string review_hint(const Area& area, const std::string& path, const Entry& after) {
  const std::string full = area.root + "/" + path;
  if (path == ".git/config") return "git config --file " + full + " --list";
  if (after.kind == Kind::kMissing) return "it was " + full;
  if (after.kind == Kind::kDir) return "ls -la " + full;
  if (after.kind == Kind::kSymlink) return "ls -l " + full;
  return "less " + full;
}

// Writes the agent's version of `e` under keep_dir/area/path (0600).
std::string keep_aside(const std::string& keep_dir, const Area& area, const std::string& path,
                       const Entry& e) {
  if (e.kind != Kind::kFile && e.kind != Kind::kSymlink) return {};
  if (!e.content) return {};
  std::string dest = keep_dir + "/" + (area.label == "project" ? "project" : "claude-state") +
                     "/" + path + (e.kind == Kind::kSymlink ? ".symlink" : "");
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dest).parent_path(), ec);
  if (ec) return {};
  if (!write_private_file(dest, *e.content)) return {};
  return dest;
}

bool write_entry(int root, const std::string& path, const Entry& e) {
  std::string leaf;
  UniqueFd parent = open_parent(root, path, leaf, true);
  if (!parent) return false;
  switch (e.kind) {
    case Kind::kDir:
      return ::mkdirat(parent.get(), leaf.c_str(), e.mode & 07777) == 0 || errno == EEXIST;
    case Kind::kSymlink:
      return e.content && ::symlinkat(e.content->c_str(), parent.get(), leaf.c_str()) == 0;
    case Kind::kFile: {
      if (!e.content) return false;
      UniqueFd fd(::openat(parent.get(), leaf.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!fd) return false;
      if (!write_all(fd.get(), *e.content)) return false;
      return ::fchmod(fd.get(), e.mode & 07777) == 0;
    }
    default:
      return false;
  }
}

bool remove_entry(int root, const std::string& path, Kind kind) {
  std::string leaf;
  UniqueFd parent = open_parent(root, path, leaf, false);
  if (!parent) return false;
  return ::unlinkat(parent.get(), leaf.c_str(), kind == Kind::kDir ? AT_REMOVEDIR : 0) == 0 ||
         errno == ENOENT;
}

bool set_mode(int root, const std::string& path, unsigned mode) {
  std::string leaf;
  UniqueFd parent = open_parent(root, path, leaf, false);
  if (!parent) return false;
  UniqueFd fd(::openat(parent.get(), leaf.c_str(),
                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
    return false;
  return ::fchmod(fd.get(), mode & 07777) == 0;
}

}  // namespace

Result<Tripwire> Tripwire::arm(const std::string& project, const std::string& state,
                               Limits limits) {
  Tripwire t;
  t.limits_ = limits;
  size_t kept = 0;
  std::string git_config;
  {
    size_t ignored_kept = 0;
    UniqueFd root(::open(project.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) return make_error("cannot read the project directory " + project + ": " + std::strerror(errno));
    std::string leaf;
    UniqueFd git = open_parent(root.get(), ".git/config", leaf, false);
    if (git) git_config = read_entry(git.get(), leaf, limits, ignored_kept).content.value_or("");
  }
  t.areas_.push_back(snapshot("project", project, project_files(), project_trees(git_config), true,
                              limits, kept, t.scanned_));
  if (!state.empty())
    t.areas_.push_back(snapshot("claude state", state, state_files(), state_trees(), false, limits,
                                kept, t.scanned_));
  return t;
}

bool Tripwire::truncated() const {
  return std::any_of(areas_.begin(), areas_.end(), [](const Area& a) { return a.truncated; });
}

std::vector<Change> Tripwire::check(bool block, const std::string& keep_dir) {
  std::vector<Change> changes;
  for (const Area& before : areas_) {
    size_t kept = 0, scanned = 0;
    std::vector<std::string> trees;
    // Re-read what was watched, and walk the same trees (and, for a changed
    // hooksPath, the new one too) for what was added.
    std::string git_config;
    if (auto it = before.entries.find(".git/config"); it != before.entries.end())
      git_config = it->second.content.value_or("");
    const bool project = before.label == "project";
    trees = project ? project_trees(git_config) : state_trees();
    Area after = snapshot(before.label, before.root, project ? project_files() : state_files(),
                          trees, project, limits_, kept, scanned);
    if (project) {
      std::string now_config;
      if (auto it = after.entries.find(".git/config"); it != after.entries.end())
        now_config = it->second.content.value_or("");
      for (const auto& t : project_trees(now_config))
        if (std::find(trees.begin(), trees.end(), t) == trees.end()) {
          Area extra = snapshot(before.label, before.root, {}, {t}, false, limits_, kept, scanned);
          after.entries.insert(extra.entries.begin(), extra.entries.end());
        }
    }

    std::set<std::string> paths;
    for (const auto& [p, e] : before.entries) paths.insert(p);
    for (const auto& [p, e] : after.entries) paths.insert(p);
    static const Entry kNothing{};
    struct Pending {
      std::string path;
      const Entry* was;
      const Entry* now;
      size_t index;
    };
    std::vector<Pending> pending;
    for (const auto& p : paths) {
      auto b = before.entries.find(p);
      auto a = after.entries.find(p);
      const Entry& was = b == before.entries.end() ? kNothing : b->second;
      const Entry& now = a == after.entries.end() ? kNothing : a->second;
      if (same(was, now)) continue;  // a directory's entries are compared one by one
      changes.push_back({before.label, p, describe(was, now, p) + " — " + consequence(before.label, p),
                         review_hint(before, p, now), false, {}});
      pending.push_back({p, &was, &now, changes.size() - 1});
    }
    for (const auto& [p, mode] : after.setid) {
      auto b = before.setid.find(p);
      if (b != before.setid.end() && b->second == mode) continue;
      const std::string bits = (mode & S_ISUID) && (mode & S_ISGID) ? "setuid and setgid bits"
                               : (mode & S_ISUID)                  ? "setuid bit"
                                                                   : "setgid bit";
      changes.push_back({before.label, p, bits + " set (mode " + octal(mode) + ") — runs as its owner on the host",
                         "ls -l " + before.root + "/" + p, false, {}});
      if (block) {
        UniqueFd root(::open(before.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (root && set_mode(root.get(), p, mode & ~static_cast<unsigned>(S_ISUID | S_ISGID)))
          changes.back().restored = true;
      }
    }
    if (!block || pending.empty()) continue;

    UniqueFd root(::open(before.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) continue;
    // Children before parents: keep aside and remove what the agent made.
    std::sort(pending.begin(), pending.end(),
              [](const Pending& x, const Pending& y) { return x.path > y.path; });
    std::vector<bool> removed(pending.size(), false);
    for (size_t i = 0; i < pending.size(); ++i) {
      const Pending& p = pending[i];
      Change& c = changes[p.index];
      const Entry& was = *p.was;
      const Entry& now = *p.now;
      if (now.kind == Kind::kMissing) continue;
      const bool mode_only = was.kind == now.kind && was.digest == now.digest;
      if (mode_only) continue;
      if (now.kind == Kind::kDir && was.kind == Kind::kDir) continue;
      // Nothing is removed that cannot be put back or kept: a file too large
      // to have been kept stays as the agent left it (and is reported so).
      const bool restorable = was.kind == Kind::kMissing || was.kind == Kind::kDir ||
                              ((was.kind == Kind::kFile || was.kind == Kind::kSymlink) && was.content);
      if (!restorable) continue;
      if (now.kind == Kind::kFile || now.kind == Kind::kSymlink) {
        c.kept_at = keep_aside(keep_dir, before, p.path, now);
        if (c.kept_at.empty()) continue;
      }
      removed[i] = remove_entry(root.get(), p.path, now.kind);
    }
    // Parents before children: put back what was there.
    for (size_t k = pending.size(); k-- > 0;) {
      const Pending& p = pending[k];
      Change& c = changes[p.index];
      const Entry& was = *p.was;
      const Entry& now = *p.now;
      const bool mode_only = was.kind == now.kind && was.digest == now.digest;
      if (was.kind == Kind::kMissing) {
        c.restored = removed[k];
      } else if (mode_only || (was.kind == Kind::kDir && now.kind == Kind::kDir)) {
        c.restored = set_mode(root.get(), p.path, was.mode);
      } else if (now.kind == Kind::kMissing || removed[k]) {
        c.restored = write_entry(root.get(), p.path, was);
      }
    }
  }
  return changes;
}

}  // namespace cx::workspace
