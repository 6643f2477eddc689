#pragma once
// The workspace tripwire. The agent may write anything in /src and in its
// persisted Claude state, and some of what it writes runs later outside its
// sandbox: a git hook or `core.fsmonitor` runs on the host at the next
// `git status`, `.envrc` when the user's shell enters the directory, a
// `.vscode/tasks.json` in the editor, `.claude/settings.json` hooks and
// `.mcp.json` servers in the next session. The tripwire takes a snapshot of
// those files before the container starts and compares after it ends; each
// change is one line for the user (with how to review it) and one audit
// event. In block mode the originals are put back and the agent's versions
// kept aside, outside the workspace.
//
// Every file operation goes through directory descriptors opened one
// component at a time with O_NOFOLLOW: a symlink the agent planted is seen
// as a symlink (a change), never followed out of the workspace.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace cx::workspace {

// One watched path as it was: what kind of thing, its permission bits, and
// its content (kept whole when small, so that block mode can restore it).
struct Entry {
  enum class Kind { kMissing, kFile, kDir, kSymlink, kOther };
  Kind kind = Kind::kMissing;
  unsigned mode = 0;     // permission bits, setuid/setgid included
  std::string digest;    // sha256 of a file's content, a symlink's target
  std::optional<std::string> content;  // a file's bytes, a symlink's target; unset: too large
};

// A tree of watched paths relative to a root: "project" (/src) or "state"
// (the persisted Claude state).
struct Area {
  std::string label;  // "project" or "claude state"
  std::string root;   // host path
  std::map<std::string, Entry> entries;  // relative path -> what was there
  std::map<std::string, unsigned> setid;  // regular files with S_ISUID / S_ISGID+x, and mode
  bool truncated = false;  // a limit was reached; the comparison is partial
};

struct Change {
  std::string area;  // Area::label
  std::string path;  // relative to the area's root
  std::string what;  // "added", "modified", "removed", "mode 0644 -> 0755", "setuid bit set", ...
  std::string review;  // a command or path that shows it
  bool restored = false;
  std::string kept_at;  // block mode: where the agent's version is
};

struct Limits {
  std::size_t max_entries = 2'000'000;      // per area walk (setuid scan)
  std::size_t max_tree_entries = 20'000;    // per watched tree
  std::size_t max_kept_bytes = 1 << 20;     // per file kept for restoring
  std::size_t max_total_kept = 32u << 20;   // per snapshot
  int max_depth = 128;
};

class Tripwire {
 public:
  // Snapshots `project` and, when not empty, the persisted Claude `state`.
  static Result<Tripwire> arm(const std::string& project, const std::string& state,
                              Limits limits = {});

  // What changed since arm(). With `block`, each change is undone where it
  // can be (the originals written back, new files removed, setuid/setgid
  // bits cleared) and the agent's version of each file is kept under
  // `keep_dir` (made 0700). Never throws; what cannot be undone says so.
  std::vector<Change> check(bool block, const std::string& keep_dir);

  // Entries read by arm() (files, directories and links walked).
  std::size_t scanned() const { return scanned_; }
  bool truncated() const;

 private:
  std::vector<Area> areas_;
  Limits limits_;
  std::size_t scanned_ = 0;
};

// The relative paths the tripwire watches in a project (files and trees),
// given what `.git/config` says (core.hooksPath inside the project is
// watched as a tree too). Exposed for tests and docs.
std::vector<std::string> project_files();
std::vector<std::string> project_trees(const std::string& git_config_text);
std::vector<std::string> state_files();
std::vector<std::string> state_trees();

}  // namespace cx::workspace
