#pragma once
// Live sessions on this host: one record per session under
// $XDG_STATE_HOME/cx/sessions/ID.json (beside its audit log ID.jsonl), so
// that `cx ps` can list them and `cx gc` can clean up after a cx that died.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::cli {

struct SessionRecord {
  std::string id;
  pid_t pid = 0;
  SystemTime started;
  std::string project;
  std::string role;
  std::string runtime;                   // binary path
  std::string container;                 // name
  std::string broker_dir;                // the private socket directory, or empty
  std::optional<SystemTime> expiration;  // of the credentials last issued
  std::string gate;                      // remote transport: the gate container
  std::string network;                   // remote transport: the session's network
};

// Where a session's private broker directory is made: $XDG_RUNTIME_DIR when
// it is writable (tmpfs, private), else empty, meaning TMPDIR or /tmp.
std::string broker_base(const EnvLookup& env);

// Returns the directory holding the records and audit logs.
std::string sessions_dir(const EnvLookup& env);

// Writes (or rewrites) `r`'s record, 0600.
Status write_record(const std::string& dir, const SessionRecord& r);

// The path of `id`'s record in `dir`.
std::string record_path(const std::string& dir, const std::string& id);

// Removes `id`'s record (not its audit log).
void remove_record(const std::string& dir, const std::string& id);

// Returns every readable record; unreadable ones are skipped.
std::vector<SessionRecord> read_records(const std::string& dir);

// True when `pid` is a running process.
bool process_alive(pid_t pid);

}  // namespace cx::cli
