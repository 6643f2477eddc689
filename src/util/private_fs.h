#pragma once
// Files only the current user may read: the XDG state and cache directories
// (0700), credential cache entries and audit logs (0600), the session's
// temporary directory. Each check refuses what is not ours alone rather than
// trusting it.

#include <sys/stat.h>

#include <string>

#include "util/env.h"
#include "util/result.h"

namespace cx {

// Returns strerror(errno).
std::string errno_text();

// True when `st` is owned by this user and has no group/other permission bits.
bool private_to_us(const struct stat& st);

// Creates `path` and its missing parents with mode 0700 (the XDG rule for
// base directories), then checks that `path` is a directory of our own and
// makes it 0700 if it has other bits. `what` names it in errors.
Status ensure_private_dir(const std::string& path, const std::string& what);

// Writes `content` to `path` atomically: a 0600 temporary file in the same
// directory, fsync (unless `durable` is false), rename over `path` (never a
// half-written file; a symlink at `path` is replaced, not followed). Files
// that live only as long as the session (its record, its broker directory)
// need no fsync: after a crash they are stale anyway, and the disk flush
// was the largest single cost of a session's start.
Status write_private_file(const std::string& path, const std::string& content,
                          bool durable = true);

// Writes all of `data` to `fd`, retrying on EINTR.
bool write_all(int fd, const std::string& data);

// Returns $VAR/cx when the XDG variable `var` (e.g. XDG_STATE_HOME) holds an
// absolute path, else ~/FALLBACK/cx (e.g. ~/.local/state/cx).
std::string xdg_cx_dir(const EnvLookup& env, const char* var, const char* fallback);

}  // namespace cx
