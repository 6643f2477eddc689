#pragma once
// Claude's own state between runs (CX_PERSIST): ~/.claude in the container,
// with CLAUDE_CONFIG_DIR pointing there so that its .claude.json lives in it
// too. `project` keeps one state per project directory (keyed by its
// absolute path, so `cx --continue` resumes this project's conversation and
// never another's), `shared` one for all, `none` a fresh one each run.

#include <filesystem>
#include <string>

#include "config/settings.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::cli {

// The state is mounted at runtime::kClaudeStateMountPoint.
// Returns the host directory of the persistent state for `mode` and
// `project_dir` (not created); empty for PersistMode::kNone.
std::string claude_state_dir(config::PersistMode mode, const std::string& project_dir,
                             const EnvLookup& env);

// Creates `dir` (0700) if needed and seeds a new state so that Claude's
// onboarding and the trust prompt for /src do not appear on every run.
Status prepare_claude_state(const std::string& dir);

// The id of the newest conversation Claude saved in `dir` (its transcripts
// projects/-src/ID.jsonl) that changed at or after `since`, for the line
// "cx --resume ID" after a session; empty when there is none. The agent
// writes that directory: only names shaped like Claude's ids (a UUID) count,
// symlinks are skipped and at most `max_entries` entries are looked at.
std::string newest_conversation(const std::string& dir, std::filesystem::file_time_type since,
                                size_t max_entries = 10000);

}  // namespace cx::cli
